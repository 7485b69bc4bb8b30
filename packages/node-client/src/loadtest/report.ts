// The end-of-run table: one metric per line, units in the name.
import type { Distribution } from './percentiles.js';
import type { LoadTestResult } from './types.js';

const ms = (d: Distribution) => (d.count === 0 ? '-' : `${d.p50.toFixed(0)} / ${d.p95.toFixed(0)} / ${d.p99.toFixed(0)}  (n=${d.count}, max ${d.max.toFixed(0)})`);
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;

export function formatReport(r: LoadTestResult): string {
  const o = r.options;
  const rows: Array<[string, string]> = [
    ['scenario', `${o.rooms} room(s) × ${o.publishers} publisher(s) + ${o.subscribers} subscriber(s), ${o.audioOnly ? 'audio only' : `${o.layers} layer(s) + audio`}, ${r.windowSec.toFixed(1)} s window`],
    ['participants (join failures)', `${r.participants} (${r.joinFailures})`],
    ['join ms p50 / p95 / p99', ms(r.joinMs)],
    [`first ${o.audioOnly ? 'audio packet' : 'decodable frame'} ms p50 / p95 / p99`, ms(r.firstMediaMs)],
    ['  p50 stages: socket / offer / answered / connected / 1st packet', stages(r.firstMediaStagesMs)],
    ['streams without media', String(r.streamsWithoutMedia)],
    ['packets out / bitrate out', `${r.packetsOut} / ${r.bitrateOutKbps} kbps`],
    ['packets in / bitrate in', `${r.packetsIn} / ${r.bitrateInKbps} kbps`],
    ['lost (loss)', `${r.lost} (${r.lossPercent.toFixed(3)}%)`],
    ['NACKs / PLIs sent by subscribers', `${r.nacksSent} / ${r.plisSent}`],
    ['keyframe requests / NACKs to publishers', `${r.keyframeRequestsToPublishers} / ${r.nacksToPublishers}`],
    ['invalid packets (RTP, VP8, SSRC, PT)', String(r.invalid)],
    ['load client CPU', `${r.clientCpuPercent.toFixed(0)}% of one core`],
  ];
  const s = r.server;
  if (s) {
    rows.push(
      ['server pid / threads (with child processes)', `${s.pid} / ${s.threads}`],
      ['server CPU (all threads)', `${s.cpuSeconds.toFixed(2)} s = ${s.cpuPercent.toFixed(1)}% of one core`],
      ['forwarded packets per CPU-second', s.forwardedPacketsPerCpuSecond.toFixed(0)],
      ['server RSS before / loaded', `${mb(s.rssBeforeKb)} / ${mb(s.rssLoadedKb)}`],
      ['server RSS peak sampled / VmHWM', `${mb(s.rssPeakSampledKb)} / ${mb(s.hwmKb)}`],
      ['server memory per subscriber / participant', `${Number.isNaN(s.memoryPerSubscriberKb) ? '-' : `${s.memoryPerSubscriberKb.toFixed(0)} KB`} / ${s.memoryPerParticipantKb.toFixed(0)} KB`],
    );
  } else {
    rows.push(['server', 'not measured (process not found; pass --server-pid)']);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (r.checks.length > 0) lines.push('', 'cross-checks (ps and /proc of the server):', ...r.checks.map((c) => `  ${c}`));
  return `${lines.join('\n')}\n`;
}

function stages(s: LoadTestResult['firstMediaStagesMs']): string {
  return [s.socketOpen, s.offer, s.answered, s.connected, s.firstPacket].map((v) => (Number.isFinite(v) ? v.toFixed(0) : '-')).join(' / ');
}
