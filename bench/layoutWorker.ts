/**
 * Runs one third-party layout (ELK or dagre) on a graph in a worker thread,
 * so the layout benchmark can stop it at a time limit. Posts the time taken
 * (wall clock, and the process's CPU time, the main thread being idle) and
 * every edge as a polyline, for the shared crossing count.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { dagreLayout } from '../src/core/render/dagreLayout';
import { edgePolylines, type LayoutEngineInput, type Point } from '../src/core/render/layoutEngine';

interface Job {
  readonly engine: 'elk' | 'dagre';
  readonly input: LayoutEngineInput;
}

interface ElkSection {
  readonly startPoint: Point;
  readonly endPoint: Point;
  readonly bendPoints?: readonly Point[];
}

async function elk(input: LayoutEngineInput): Promise<Point[][]> {
  const { default: ELK } = (await import('elkjs')) as { default: new () => { layout(g: unknown): Promise<{ edges?: { sections?: ElkSection[] }[] }> } };
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.layered.spacing.nodeNodeBetweenLayers': '14',
      'elk.spacing.nodeNode': '14',
    },
    children: input.nodes.map((s, i) => ({ id: `n${i}`, width: s.width, height: s.height })),
    edges: input.edges.map((e, i) => ({ id: `e${i}`, sources: [`n${e.from}`], targets: [`n${e.to}`], labels: e.label ? [{ text: '', width: e.label.width, height: e.label.height }] : [] })),
  };
  const out = await new ELK().layout(graph);
  return (out.edges ?? []).map((e) => (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]));
}

async function run(job: Job): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const lines = job.engine === 'elk' ? await elk(job.input) : edgePolylines(job.input, dagreLayout(job.input));
  const cpu = process.cpuUsage(c0);
  parentPort!.postMessage({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, lines });
}

void run(workerData as Job);
