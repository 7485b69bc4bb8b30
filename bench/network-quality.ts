// Media quality on impaired links (issue 5's table): one Chromium publisher and one Chromium
// subscriber in network-namespace hosts, the subscriber's link degraded by random loss (nftables)
// or a bandwidth cap (tc tbf). Prints, per scenario: delivered frame rate, freeze time, the
// received layer (frame width), bitrate, loss after repair, and RTX received.
//
//   npm run bench:network            (runs inside a loopback-only namespace; needs root)
import { NetLab, type LabHost } from '../packages/server/test/helpers/netLab.js';
import type { LaunchedBrowser } from '../packages/server/test/helpers/chromium.js';
import { inboundVideo, join, openSdkPage } from '../packages/server/test/helpers/sdkPage.js';
import { shimKeepNames } from './shimKeepNames.js';

const SETTLE_MS = Number(process.env.SETTLE_MS ?? 8000);
const MEASURE_MS = Number(process.env.MEASURE_MS ?? 10_000);

interface Scenario {
  name: string;
  apply(lab: NetLab, sub: LabHost): void;
}

const scenarios: Scenario[] = [
  { name: 'unlimited, 0 % loss', apply: () => {} },
  { name: '2 % loss', apply: (lab, sub) => lab.dropRandom(sub.ns, 2) },
  { name: '5 % loss', apply: (lab, sub) => lab.dropRandom(sub.ns, 5) },
  { name: '10 % loss', apply: (lab, sub) => lab.dropRandom(sub.ns, 10) },
  { name: '1 Mbps cap', apply: (lab, sub) => lab.capDownlink(sub, 1000) },
  { name: '300 kbps cap', apply: (lab, sub) => lab.capDownlink(sub, 300) },
];

let serverOutput = (): string => '';

async function main(): Promise<void> {
  const lab = NetLab.create();
  const rows: string[][] = [];
  try {
    // RK_LAB_LOG=debug|trace: the server's log goes to stderr at the end (layer choices, estimates).
    const level = process.env.RK_LAB_LOG;
    const server = await lab.startServer(lab.addHost('srv'), level ? { env: { ROOMKIT_LOG_LEVEL: level } } : {});
    serverOutput = () => server.output();
    const pubHost = lab.addHost('pub');
    const subHost = lab.addHost('sub');
    const pubBrowser = await lab.launchChromium(pubHost, { secureOrigin: server.url });
    const subBrowser = await lab.launchChromium(subHost, { secureOrigin: server.url });
    shimKeepNames(pubBrowser);
    shimKeepNames(subBrowser);
    const pub = await openSdkPage(pubBrowser, server.url, 'pub');
    const sub = await openSdkPage(subBrowser, server.url, 'sub');
    const published = await join(pub, { meetingId: 'bench', name: 'pub', micEnabled: true, webcamEnabled: true });
    await join(sub, { meetingId: 'bench', name: 'sub', micEnabled: false, webcamEnabled: false });
    const pubId = published.participantId!;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    for (const scenario of scenarios) {
      scenario.apply(lab, subHost);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const a = await inboundVideo(sub, pubId);
      await new Promise((r) => setTimeout(r, MEASURE_MS));
      const b = await inboundVideo(sub, pubId);
      lab.clearDrops(subHost.ns);
      lab.clearCaps(subHost);
      if (!a || !b) {
        rows.push([scenario.name, 'no video', '', '', '', '', '']);
        continue;
      }
      const seconds = MEASURE_MS / 1000;
      const received = b.packetsReceived - a.packetsReceived;
      const lost = Math.max(0, b.packetsLost - a.packetsLost);
      rows.push([
        scenario.name,
        ((b.framesDecoded - a.framesDecoded) / seconds).toFixed(1),
        (b.totalFreezesDuration - a.totalFreezesDuration).toFixed(2),
        String(b.frameWidth),
        Math.round(((b.bytesReceived - a.bytesReceived) * 8) / MEASURE_MS).toString(),
        ((100 * lost) / Math.max(1, received + lost)).toFixed(2),
        String(b.retransmittedPacketsReceived - a.retransmittedPacketsReceived),
      ]);
      console.error(`${scenario.name}: done`);
      await new Promise((r) => setTimeout(r, 4000));
    }
  } finally {
    await lab.teardown();
    if (process.env.RK_LAB_LOG) console.error(serverOutput());
  }
  const header = ['scenario', 'fps', 'freeze s', 'width', 'kbps', 'loss % (after RTX)', 'RTX pkts'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`subscriber quality over ${MEASURE_MS / 1000} s per scenario (after ${SETTLE_MS / 1000} s to adapt)`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
