// Waiting for ICE gathering: the protocol has no trickle ICE, so every SDP we send must already
// carry our candidates. On loopback/host-only setups gathering finishes in milliseconds.
import { ICE_GATHERING_TIMEOUT_MS } from './constants.js';

/** Resolves when `pc` finished gathering, or after the timeout with whatever it has by then. */
export function waitForIceGathering(pc: RTCPeerConnection, timeoutMs = ICE_GATHERING_TIMEOUT_MS): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}
