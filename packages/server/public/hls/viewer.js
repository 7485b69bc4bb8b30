// The audience's page for a room's HLS broadcast (/hls/<roomId>): waits until the room's stream is
// playable, plays the live-edge playlist with hls.js (or the DVR one with ?dvr=1), and shows the
// live latency: wall clock minus the program date time of what is on screen. `window.hlsViewer`
// exposes the same numbers for tests.
(() => {
  const roomId = decodeURIComponent(location.pathname.split('/')[2] || '');
  const params = new URLSearchParams(location.search);
  const video = document.getElementById('video');
  const statusEl = document.getElementById('status');
  const statsEl = document.getElementById('stats');
  const dvrBox = document.getElementById('dvr');
  dvrBox.checked = params.get('dvr') === '1';

  const viewer = { roomId, status: 'HLS_STOPPED', src: null, hls: null, errors: [], latencySamples: [] };
  window.hlsViewer = viewer;

  /** Seconds between now and the program date time of the frame on screen (null until known). */
  viewer.latency = () => {
    const date = viewer.hls && viewer.hls.playingDate;
    return date ? (Date.now() - date.getTime()) / 1000 : null;
  };
  /** Seconds behind the playlist's live edge, as hls.js computes it. */
  viewer.edgeLatency = () => (viewer.hls && Number.isFinite(viewer.hls.latency) ? viewer.hls.latency : null);

  function play(url) {
    if (viewer.hls) viewer.hls.destroy();
    viewer.src = url;
    if (!window.Hls || !window.Hls.isSupported()) {
      video.src = url; // Safari plays HLS natively
      return;
    }
    // Two target durations from the live edge: ~4 s behind the newest segment, still smooth.
    const hls = new window.Hls({ liveSyncDurationCount: 2, liveMaxLatencyDurationCount: 6, lowLatencyMode: false });
    viewer.hls = hls;
    hls.on(window.Hls.Events.ERROR, (_e, data) => {
      viewer.errors.push(`${data.type}: ${data.details}${data.fatal ? ' (fatal)' : ''}`);
      if (!data.fatal) return;
      if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR) setTimeout(() => hls.startLoad(), 1000);
      else if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    hls.on(window.Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
  }

  async function poll() {
    try {
      const res = await fetch(`/hls/${encodeURIComponent(roomId)}/state`, { cache: 'no-store' });
      const state = await res.json();
      viewer.status = state.status;
      const url = dvrBox.checked ? state.playbackHlsUrl : state.livestreamUrl;
      if (state.status === 'HLS_PLAYABLE' && url && url !== viewer.src) {
        statusEl.textContent = 'Live';
        play(url);
      } else if (state.status === 'HLS_STOPPED' || state.status === 'HLS_STOPPING') {
        if (!viewer.src) statusEl.textContent = 'Waiting for the broadcast…';
        else statusEl.textContent = 'The broadcast has ended';
      } else if (!viewer.src) {
        statusEl.textContent = 'Starting…';
      }
    } catch {
      statusEl.textContent = 'Cannot reach the server; retrying…';
    }
  }

  dvrBox.addEventListener('change', () => {
    viewer.src = null;
    void poll();
  });
  setInterval(poll, 2000);
  void poll();
  setInterval(() => {
    const l = viewer.latency();
    if (l !== null) {
      viewer.latencySamples.push(l);
      statsEl.textContent = `latency ${l.toFixed(1)} s · ${video.currentTime.toFixed(1)} s played`;
    }
  }, 1000);
})();
