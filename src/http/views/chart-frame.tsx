import type { Child } from 'hono/jsx';

/**
 * A chart drawn at its natural size, so its text stays at the size the stylesheet gives it
 * (11 px or more) instead of shrinking with a narrow screen; when the screen is narrower, the
 * chart scrolls sideways inside its own box and the label column stays in view. The drawing
 * is split into two SVGs over the same coordinates: the labels (`x < split`), sticky at the
 * left edge, and the rest. The region is focusable (keyboard scrolling) and named per chart,
 * so several on a page stay distinct landmarks. The box takes its width from the page, never
 * from the chart (`contain: inline-size`), so a grid or flex parent does not grow to fit it.
 */
export function ScrollChart(props: {
  /** The region's name: unique on the page (say whose chart it is). */
  region: string;
  width: number;
  height: number;
  /** Where the label column ends, in drawing units. */
  split: number;
  class: string;
  /** The label column's content (text at x < split). */
  names: Child;
  /** The chart's accessible name, as `aria-labelledby` ids (a `<title>` among the children) or a label. */
  labelledby?: string | undefined;
  label?: string | undefined;
  /** `group` when the parts carry their own text alternatives (an `img` hides its parts). */
  role?: 'img' | 'group';
  children?: Child;
}) {
  const rest = props.width - props.split;
  return (
    <div class="chart-scroll chart-pair-scroll" role="region" aria-label={props.region} tabindex={0}>
      <div class="chart-pair">
        <svg class={`chart fixed names ${props.class}`} width={props.split} height={props.height} viewBox={`0 0 ${props.split} ${props.height}`} aria-hidden="true" focusable="false">
          {props.names}
        </svg>
        <svg
          class={`chart fixed ${props.class}`}
          width={rest}
          height={props.height}
          viewBox={`${props.split} 0 ${rest} ${props.height}`}
          role={props.role ?? 'img'}
          aria-labelledby={props.labelledby}
          aria-label={props.label}
        >
          {props.children}
        </svg>
      </div>
    </div>
  );
}
