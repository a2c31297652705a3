// The estate-wide layer of the map: every component and dependency in two WebGL2 draw calls,
// components as quads painted by the shared GLSL (map-glsl.ts), dependencies as one-pixel lines.
// Built for software rendering (Chromium's SwiftShader), where sigma's instanced programs cost a
// draw per instance (measured: 5,000 nodes and 20,000 edges took 5.3 s of GPU-process CPU a frame):
// nothing here is instanced, the fragment work per pixel is small, and the scene is drawn only when
// it changed or the view came to rest (MapView moves the last frame with a CSS transform meanwhile).
import { NODE_FLAGS, SHAPE_GLSL, SHAPE_NAMES, paintNodeGlsl } from './map-glsl.ts';
import type { ViewTransform } from './viewport.ts';

/** One component per index; colours are RGBA bytes, five per node (fill, stroke, outer, outer fill, ring). */
export interface BulkNodes {
  count: number;
  /** World x, y of each node's centre. */
  xy: Float32Array;
  /** Radius of the node's quad (its outermost ring), world units. */
  radius: Float32Array;
  shape: Uint8Array;
  body: Float32Array;
  outerWidth: Float32Array;
  flags: Uint16Array;
  colours: Uint8Array;
}

/** One dependency per index, between node indices; one RGBA colour each; dash > 0 dashes it (world units). */
export interface BulkEdges {
  count: number;
  from: Uint32Array;
  to: Uint32Array;
  colours: Uint8Array;
  dash: Float32Array;
}

export interface BulkRenderer {
  /** Replaces the nodes drawn (positions come with them); edges refer to them by index. */
  setNodes(nodes: BulkNodes): void;
  /** Replaces the edges drawn, between the current nodes. */
  setEdges(edges: BulkEdges): void;
  /** New positions for the same nodes, in the same order. */
  setPositions(xy: Float32Array): void;
  /** Draws the scene for a view; `width`, `height` in CSS pixels. */
  render(view: ViewTransform, width: number, height: number): void;
  destroy(): void;
}

export interface BulkRendererOptions {
  /** Nodes never shrink below their radius times this, in pixels, however far the view zooms out. */
  minScale: number;
  pixelRatio?: number;
}

const VERTEX_NODES = /* glsl */ `#version 300 es
in vec2 a_centre;
in vec2 a_corner;
in float a_radius;
in float a_shape;
in float a_body;
in float a_outerWidth;
in float a_flags;
in vec4 a_fill;
in vec4 a_stroke;
in vec4 a_outer;
in vec4 a_outerFill;
in vec4 a_ring;
uniform vec3 u_view;
uniform vec2 u_viewport;
uniform float u_minScale;
out vec2 v_uv;
out float v_px;
flat out float v_shape;
flat out float v_body;
flat out float v_outerWidth;
flat out float v_flags;
flat out vec4 v_fill;
flat out vec4 v_stroke;
flat out vec4 v_outer;
flat out vec4 v_outerFill;
flat out vec4 v_ring;
void main() {
  float radiusPx = max(a_radius * max(u_view.x, u_minScale), 0.75);
  // One pixel beyond the shape for antialiasing; UV 1 is the shape's outer radius, y up.
  float margin = 1.0 + 1.0 / radiusPx;
  vec2 screen = a_centre * u_view.x + u_view.yz + a_corner * radiusPx * margin;
  gl_Position = vec4(screen.x / u_viewport.x * 2.0 - 1.0, 1.0 - screen.y / u_viewport.y * 2.0, 0.0, 1.0);
  v_uv = vec2(a_corner.x, -a_corner.y) * margin;
  v_px = 1.0 / radiusPx;
  v_shape = a_shape;
  v_body = a_body;
  v_outerWidth = a_outerWidth;
  v_flags = a_flags;
  v_fill = a_fill;
  v_stroke = a_stroke;
  v_outer = a_outer;
  v_outerFill = a_outerFill;
  v_ring = a_ring;
}`;

const shapeSelector = /* glsl */ `
float orShapeOf(int shape, vec2 uv, float size) {
  switch (shape) {
${SHAPE_NAMES.map((name, i) => `    case ${i}: return sdf_${name}(uv, size);`).join('\n')}
    default: return sdf_${SHAPE_NAMES[0]}(uv, size);
  }
}`;

const FRAGMENT_NODES = /* glsl */ `#version 300 es
precision highp float;
in vec2 v_uv;
in float v_px;
flat in float v_shape;
flat in float v_body;
flat in float v_outerWidth;
flat in float v_flags;
flat in vec4 v_fill;
flat in vec4 v_stroke;
flat in vec4 v_outer;
flat in vec4 v_outerFill;
flat in vec4 v_ring;
out vec4 fragColor;
${SHAPE_NAMES.map((name) => SHAPE_GLSL[name]).join('\n')}
${shapeSelector}
${paintNodeGlsl((size) => `orShapeOf(int(v_shape + 0.5), uv, ${size})`)}
void main() {
  float aa = v_px;
  float outer = orShapeOf(int(v_shape + 0.5), v_uv, 1.0);
  if (outer > aa) discard;
  vec4 c = orPaintNode(v_uv, outer, 1.0, aa, v_px, v_fill, v_stroke, v_outer, v_outerFill, v_ring, v_body, v_outerWidth, v_flags);
  float ghost = (int(v_flags + 0.5) & ${NODE_FLAGS.ghost}) != 0 ? 0.5 : 1.0;
  fragColor = vec4(c.rgb, c.a * orCover(outer, aa) * ghost);
}`;

const VERTEX_EDGES = /* glsl */ `#version 300 es
in vec2 a_position;
in vec4 a_colour;
in float a_along;
in float a_dash;
uniform vec3 u_view;
uniform vec2 u_viewport;
out vec4 v_colour;
out float v_along;
flat out float v_dash;
void main() {
  vec2 screen = a_position * u_view.x + u_view.yz;
  gl_Position = vec4(screen.x / u_viewport.x * 2.0 - 1.0, 1.0 - screen.y / u_viewport.y * 2.0, 0.0, 1.0);
  v_colour = a_colour;
  v_along = a_along;
  v_dash = a_dash;
}`;

const FRAGMENT_EDGES = /* glsl */ `#version 300 es
precision highp float;
in vec4 v_colour;
in float v_along;
flat in float v_dash;
out vec4 fragColor;
void main() {
  // Dash 6, gap 4 as the SVG map drew asynchronous edges (in world units, so they scale with zoom).
  if (v_dash > 0.0 && mod(v_along, v_dash * 1.667) > v_dash) discard;
  fragColor = v_colour;
}`;

function compile(gl: WebGL2RenderingContext, vertex: string, fragment: string): WebGLProgram {
  const program = gl.createProgram();
  for (const [type, source] of [[gl.VERTEX_SHADER, vertex], [gl.FRAGMENT_SHADER, fragment]] as const) {
    const shader = gl.createShader(type)!;
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`map shader: ${gl.getShaderInfoLog(shader) ?? 'does not compile'}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`map shader: ${gl.getProgramInfoLog(program) ?? 'does not link'}`);
  return program;
}

const CORNERS = [-1, -1, 1, -1, 1, 1, -1, 1];

export function createBulkRenderer(canvas: HTMLCanvasElement, options: BulkRendererOptions): BulkRenderer {
  const gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: false, alpha: true });
  if (!gl) throw new Error('this map needs WebGL 2');
  const nodesProgram = compile(gl, VERTEX_NODES, FRAGMENT_NODES);
  const edgesProgram = compile(gl, VERTEX_EDGES, FRAGMENT_EDGES);
  const nodeVao = gl.createVertexArray();
  const edgeVao = gl.createVertexArray();
  const centres = gl.createBuffer();
  const statics = gl.createBuffer();
  const indices = gl.createBuffer();
  const edgeBuffer = gl.createBuffer();
  let nodes: BulkNodes | null = null;
  let edges: BulkEdges | null = null;
  let edgeVertices = new Float32Array(0);

  // Static node attributes, interleaved: corner (2), radius, shape, body, outer width, flags as
  // floats (28 bytes), then five RGBA colours (20 bytes).
  const STRIDE = 48;
  gl.bindVertexArray(nodeVao);
  gl.bindBuffer(gl.ARRAY_BUFFER, centres);
  const attribute = (program: WebGLProgram, name: string) => {
    const at = gl.getAttribLocation(program, name);
    if (at < 0) throw new Error(`map shader: no attribute ${name}`);
    gl.enableVertexAttribArray(at);
    return at;
  };
  gl.vertexAttribPointer(attribute(nodesProgram, 'a_centre'), 2, gl.FLOAT, false, 0, 0);
  gl.bindBuffer(gl.ARRAY_BUFFER, statics);
  gl.vertexAttribPointer(attribute(nodesProgram, 'a_corner'), 2, gl.FLOAT, false, STRIDE, 0);
  ['a_radius', 'a_shape', 'a_body', 'a_outerWidth', 'a_flags'].forEach((name, i) => gl.vertexAttribPointer(attribute(nodesProgram, name), 1, gl.FLOAT, false, STRIDE, 8 + i * 4));
  ['a_fill', 'a_stroke', 'a_outer', 'a_outerFill', 'a_ring'].forEach((name, i) => gl.vertexAttribPointer(attribute(nodesProgram, name), 4, gl.UNSIGNED_BYTE, true, STRIDE, 28 + i * 4));
  gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indices);
  gl.bindVertexArray(edgeVao);
  gl.bindBuffer(gl.ARRAY_BUFFER, edgeBuffer);
  // Per vertex: x, y, along, dash as floats, then the colour's four bytes (20 bytes).
  gl.vertexAttribPointer(attribute(edgesProgram, 'a_position'), 2, gl.FLOAT, false, 20, 0);
  gl.vertexAttribPointer(attribute(edgesProgram, 'a_along'), 1, gl.FLOAT, false, 20, 8);
  gl.vertexAttribPointer(attribute(edgesProgram, 'a_dash'), 1, gl.FLOAT, false, 20, 12);
  gl.vertexAttribPointer(attribute(edgesProgram, 'a_colour'), 4, gl.UNSIGNED_BYTE, true, 20, 16);
  gl.bindVertexArray(null);
  const uniforms = (program: WebGLProgram) => ({
    view: gl.getUniformLocation(program, 'u_view'),
    viewport: gl.getUniformLocation(program, 'u_viewport'),
    minScale: gl.getUniformLocation(program, 'u_minScale'),
  });
  const nodeUniforms = uniforms(nodesProgram);
  const edgeUniforms = uniforms(edgesProgram);

  function uploadCentres(xy: Float32Array, count: number) {
    const data = new Float32Array(count * 8);
    for (let i = 0; i < count; i++) {
      const x = xy[i * 2] ?? 0;
      const y = xy[i * 2 + 1] ?? 0;
      for (let c = 0; c < 4; c++) {
        data[i * 8 + c * 2] = x;
        data[i * 8 + c * 2 + 1] = y;
      }
    }
    gl!.bindBuffer(gl!.ARRAY_BUFFER, centres);
    gl!.bufferData(gl!.ARRAY_BUFFER, data, gl!.DYNAMIC_DRAW);
  }

  function uploadEdges(xy: Float32Array) {
    if (!edges) return;
    const n = edges.count;
    if (edgeVertices.length !== n * 10) edgeVertices = new Float32Array(n * 10);
    const bytes = new Uint8Array(edgeVertices.buffer);
    for (let e = 0; e < n; e++) {
      const a = edges.from[e]!;
      const b = edges.to[e]!;
      const ax = xy[a * 2] ?? 0;
      const ay = xy[a * 2 + 1] ?? 0;
      const bx = xy[b * 2] ?? 0;
      const by = xy[b * 2 + 1] ?? 0;
      const o = e * 10;
      edgeVertices[o] = ax;
      edgeVertices[o + 1] = ay;
      edgeVertices[o + 2] = 0;
      edgeVertices[o + 3] = edges.dash[e]!;
      edgeVertices[o + 5] = bx;
      edgeVertices[o + 6] = by;
      edgeVertices[o + 7] = Math.hypot(bx - ax, by - ay);
      edgeVertices[o + 8] = edges.dash[e]!;
      for (let k = 0; k < 4; k++) {
        bytes[(o + 4) * 4 + k] = edges.colours[e * 4 + k]!;
        bytes[(o + 9) * 4 + k] = edges.colours[e * 4 + k]!;
      }
    }
    gl!.bindBuffer(gl!.ARRAY_BUFFER, edgeBuffer);
    gl!.bufferData(gl!.ARRAY_BUFFER, edgeVertices, gl!.DYNAMIC_DRAW);
  }

  return {
    setNodes(nextNodes) {
      nodes = nextNodes;
      const n = nodes.count;
      const data = new ArrayBuffer(n * 4 * STRIDE);
      const f = new Float32Array(data);
      const b = new Uint8Array(data);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 4; c++) {
          const v = i * 4 + c;
          const o = (v * STRIDE) / 4;
          f[o] = CORNERS[c * 2]!;
          f[o + 1] = CORNERS[c * 2 + 1]!;
          f[o + 2] = nodes.radius[i]!;
          f[o + 3] = nodes.shape[i]!;
          f[o + 4] = nodes.body[i]!;
          f[o + 5] = nodes.outerWidth[i]!;
          f[o + 6] = nodes.flags[i]!;
          b.set(nodes.colours.subarray(i * 20, i * 20 + 20), v * STRIDE + 28);
        }
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, statics);
      gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW);
      const index = new Uint32Array(n * 6);
      for (let i = 0; i < n; i++) index.set([i * 4, i * 4 + 1, i * 4 + 2, i * 4, i * 4 + 2, i * 4 + 3], i * 6);
      gl.bindVertexArray(nodeVao);
      gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, indices);
      gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, index, gl.STATIC_DRAW);
      gl.bindVertexArray(null);
      uploadCentres(nodes.xy, n);
      uploadEdges(nodes.xy);
    },
    setEdges(nextEdges) {
      edges = nextEdges;
      if (nodes) uploadEdges(nodes.xy);
    },
    setPositions(xy) {
      if (!nodes) return;
      nodes = { ...nodes, xy };
      uploadCentres(xy, nodes.count);
      uploadEdges(xy);
    },
    render(view, width, height) {
      const ratio = options.pixelRatio ?? globalThis.devicePixelRatio ?? 1;
      const w = Math.max(1, Math.round(width * ratio));
      const h = Math.max(1, Math.round(height * ratio));
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
      gl.viewport(0, 0, w, h);
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
      if (!nodes || !edges) return;
      gl.enable(gl.BLEND);
      gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
      if (edges.count > 0) {
        gl.useProgram(edgesProgram);
        gl.uniform3f(edgeUniforms.view, view.k, view.x, view.y);
        gl.uniform2f(edgeUniforms.viewport, width, height);
        gl.bindVertexArray(edgeVao);
        gl.drawArrays(gl.LINES, 0, edges.count * 2);
      }
      if (nodes.count > 0) {
        gl.useProgram(nodesProgram);
        gl.uniform3f(nodeUniforms.view, view.k, view.x, view.y);
        gl.uniform2f(nodeUniforms.viewport, width, height);
        gl.uniform1f(nodeUniforms.minScale, options.minScale);
        gl.bindVertexArray(nodeVao);
        gl.drawElements(gl.TRIANGLES, nodes.count * 6, gl.UNSIGNED_INT, 0);
      }
      gl.bindVertexArray(null);
    },
    destroy() {
      for (const buffer of [centres, statics, indices, edgeBuffer]) gl.deleteBuffer(buffer);
      gl.deleteVertexArray(nodeVao);
      gl.deleteVertexArray(edgeVao);
      gl.deleteProgram(nodesProgram);
      gl.deleteProgram(edgesProgram);
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    },
  };
}
