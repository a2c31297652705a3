// V8 heap settings for a collector process. Without them V8 sizes the heap for this machine's
// memory (a 4 GB old-space limit, large young generation) and a collector at a million spans a
// minute sat at ~400 MB RSS with a live heap under 60 MB; with them it stays under 200 MB.
// 384 MB of old space is above the worst case of every bounded buffer at its default
// (pairing stores, recent-id sets, pending dependencies: see collector/src/config.ts).
export const COLLECTOR_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=384'];
// The platform process (npm start) also serves GraphQL and the web app: tools/orrery.sh gives it
// the same young generation and 768 MB of old space.
export const PLATFORM_NODE_FLAGS = ['--max-semi-space-size=8', '--max-old-space-size=768'];
