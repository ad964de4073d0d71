/**
 * uPlot charts: a full-width time chart and a small sparkline. uPlot draws on a canvas; each chart
 * also has a text summary (`summary`) for screen readers, and follows the page's theme colours.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
  /** A second y axis on the right (e.g. milliseconds next to counts). */
  right?: boolean;
  bars?: boolean;
}

const cssVar = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
const COLORS = ['--chart-1', '--chart-2', '--chart-3'];

export function TimeChart(props: { times: number[]; series: Series[]; height?: number; summary: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const axisColor = cssVar('--text-muted');
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: props.height ?? 220,
      series: [
        {},
        ...props.series.map((s, i) => ({
          label: s.label,
          scale: s.right ? 'right' : 'y',
          stroke: cssVar(COLORS[i % COLORS.length]),
          fill: s.bars ? `${cssVar(COLORS[i % COLORS.length])}55` : undefined,
          width: 2,
          paths: s.bars ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined,
          points: { show: !s.bars },
        })),
      ],
      axes: [
        { stroke: axisColor, grid: { stroke: `${axisColor}33` } },
        { stroke: axisColor, grid: { stroke: `${axisColor}33` } },
        ...(props.series.some((s) => s.right)
          ? [{ side: 1, scale: 'right', stroke: axisColor, grid: { show: false } }]
          : []),
      ],
      scales: { x: { time: true } },
    };
    const plot = new uPlot(options, [props.times, ...props.series.map((s) => s.values)] as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, element.clientWidth), height: options.height }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.times, props.series, props.height]);
  return (
    <figure class="chart">
      <div ref={host} role="img" aria-label={props.summary} />
      <figcaption class="sr-only">{props.summary}</figcaption>
    </figure>
  );
}

export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const host = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const xs = values.map((_, i) => i);
    const plot = new uPlot(
      {
        width: 96,
        height: 28,
        legend: { show: false },
        cursor: { show: false },
        axes: [{ show: false }, { show: false }],
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [
          {},
          { stroke: cssVar('--chart-1'), fill: `${cssVar('--chart-1')}33`, width: 1.5, points: { show: false } },
        ],
      },
      [xs, values],
      element,
    );
    return () => plot.destroy();
  }, [values]);
  return <span ref={host} class="sparkline" role="img" aria-label={label} />;
}
