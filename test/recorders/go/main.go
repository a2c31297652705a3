// A small Go estate traced with the official OpenTelemetry Go instrumentations, run by
// test/recorders/record.ts to record conformance fixtures (collector/fixtures/go-*.json).
//
// Three services in one process, each with its own TracerProvider and service.name, each
// exporting with otlptracehttp to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:
//
//	frontend  --otelhttp client-->  orders (otelhttp server)  --otelsql/pgx-->  PostgreSQL
//	                                orders --otelgrpc client-->  inventory (otelgrpc server, grpc.health.v1)
//
// Run i of ORRERY_RUNS (default 4): frontend starts an INTERNAL root span and calls
// GET /orders/{i}; orders reads the order from PostgreSQL and checks stock with a gRPC health
// Check. Run 3 queries a table that does not exist (database error, HTTP 500); run 4 checks an
// unknown gRPC service (NOT_FOUND, HTTP 503). Everything else succeeds.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"

	"github.com/XSAM/otelsql"
	_ "github.com/jackc/pgx/v5/stdlib"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func provider(ctx context.Context, service string) *sdktrace.TracerProvider {
	exporter, err := otlptracehttp.New(ctx) // endpoint from OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
	if err != nil {
		log.Fatalf("exporter: %v", err)
	}
	res, err := resource.New(ctx, resource.WithTelemetrySDK(), resource.WithAttributes(semconv.ServiceName(service)))
	if err != nil {
		log.Fatalf("resource: %v", err)
	}
	return sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
}

func main() {
	ctx := context.Background()
	dsn := os.Getenv("ORRERY_PG_DSN")
	runs, _ := strconv.Atoi(os.Getenv("ORRERY_RUNS"))
	if runs == 0 {
		runs = 4
	}
	otel.SetTextMapPropagator(propagation.TraceContext{})
	frontendTP, ordersTP, inventoryTP := provider(ctx, "frontend"), provider(ctx, "orders"), provider(ctx, "inventory")

	// Schema and data, untraced.
	setup, err := sql.Open("pgx", dsn)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := setup.Exec(`CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY, item text NOT NULL);
		INSERT INTO orders VALUES (1, 'teapot'), (2, 'kettle'), (3, 'cup'), (4, 'saucer') ON CONFLICT DO NOTHING`); err != nil {
		log.Fatal(err)
	}
	setup.Close()

	// inventory: a gRPC server (the standard health service, so no protoc is needed).
	grpcListener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	grpcServer := grpc.NewServer(grpc.StatsHandler(otelgrpc.NewServerHandler(otelgrpc.WithTracerProvider(inventoryTP))))
	healthServer := health.NewServer()
	healthServer.SetServingStatus("inventory", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(grpcServer, healthServer)
	go grpcServer.Serve(grpcListener)

	// orders: an HTTP server reading PostgreSQL and calling inventory over gRPC.
	db, err := otelsql.Open("pgx", dsn, otelsql.WithAttributes(semconv.DBSystemNamePostgreSQL), otelsql.WithTracerProvider(ordersTP))
	if err != nil {
		log.Fatal(err)
	}
	conn, err := grpc.NewClient(grpcListener.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelgrpc.WithTracerProvider(ordersTP))))
	if err != nil {
		log.Fatal(err)
	}
	inventory := healthpb.NewHealthClient(conn)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.Atoi(r.PathValue("id"))
		table := "orders"
		if id == 3 {
			table = "order_archive" // does not exist
		}
		var item string
		if err := db.QueryRowContext(r.Context(), "SELECT item FROM "+table+" WHERE id = $1", id).Scan(&item); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		service := "inventory"
		if id == 4 {
			service = "warehouse" // unknown: NOT_FOUND
		}
		if _, err := inventory.Check(r.Context(), &healthpb.HealthCheckRequest{Service: service}); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintf(w, "order %d: %s\n", id, item)
	})
	httpListener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(httpListener, otelhttp.NewHandler(mux, "orders", otelhttp.WithTracerProvider(ordersTP)))

	// frontend: an INTERNAL root span per run, then an instrumented HTTP call to orders.
	client := &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport, otelhttp.WithTracerProvider(frontendTP))}
	tracer := frontendTP.Tracer("frontend")
	for i := 1; i <= runs; i++ {
		runCtx, span := tracer.Start(ctx, "place order")
		req, _ := http.NewRequestWithContext(runCtx, http.MethodGet, fmt.Sprintf("http://%s/orders/%d", httpListener.Addr(), i), nil)
		res, err := client.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		span.End()
		fmt.Printf("run %d: %d %s", i, res.StatusCode, body)
	}

	conn.Close()
	grpcServer.GracefulStop()
	db.Close()
	for _, tp := range []*sdktrace.TracerProvider{frontendTP, ordersTP, inventoryTP} {
		if err := tp.Shutdown(ctx); err != nil {
			log.Fatalf("flush: %v", err)
		}
	}
	fmt.Println("done")
}
