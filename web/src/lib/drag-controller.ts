// d3-drag wrapped as a controller for moving components. The renderer tells it which component
// (if any) is under the pointer; positions are reported in screen pixels relative to `element`.
import { drag, select, type D3DragEvent } from 'd3';
import type { Point } from './model.ts';

export interface DragSubject {
  name: string;
  /** Where the component is on screen when the drag starts. */
  x: number;
  y: number;
}

export interface DragOptions {
  subjectAt(event: Event): DragSubject | null;
  onStart(name: string): void;
  onMove(name: string, screen: Point): void;
  onEnd(name: string): void;
}

export interface DragController {
  destroy(): void;
}

export function createDragController(element: HTMLElement, options: DragOptions): DragController {
  const selection = select<HTMLElement, unknown>(element);
  const behaviour = drag<HTMLElement, unknown, DragSubject | null>()
    .container(element)
    .subject((event: D3DragEvent<HTMLElement, unknown, DragSubject | null>) => options.subjectAt(event.sourceEvent as Event))
    // A click that wobbles a few pixels is still a click (select), not a drag.
    .clickDistance(4)
    .on('start', (event: D3DragEvent<HTMLElement, unknown, DragSubject>) => options.onStart(event.subject.name))
    .on('drag', (event: D3DragEvent<HTMLElement, unknown, DragSubject>) =>
      options.onMove(event.subject.name, { x: event.x, y: event.y }),
    )
    .on('end', (event: D3DragEvent<HTMLElement, unknown, DragSubject>) => options.onEnd(event.subject.name));
  selection.call(behaviour);
  return {
    destroy() {
      selection.on('.drag', null);
    },
  };
}
