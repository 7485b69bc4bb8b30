// node-datachannel PeerConnections for clients: our own UDP port each, optionally bound to one
// address (tests and load runs bind 127.0.0.1), no trickle: SDPs go out with their candidates.
import nodeDataChannel from 'node-datachannel';

const { PeerConnection } = nodeDataChannel;
export type PeerConnection = InstanceType<typeof PeerConnection>;

export function createClientPeerConnection(name: string, bindAddress: string | undefined, autoNegotiation: boolean): PeerConnection {
  return new PeerConnection(name, {
    iceServers: [],
    ...(bindAddress !== undefined && { bindAddress }),
    disableAutoNegotiation: !autoNegotiation,
  });
}

const GATHERING_TIMEOUT_MS = 2000;

/** Resolves with the local description once gathering completes (or after 2 s, with what there is). */
export function localDescriptionWhenGathered(pc: PeerConnection): Promise<string> {
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      const sdp = pc.localDescription()?.sdp;
      if (sdp) resolve(sdp);
      else reject(new Error('node-datachannel produced no local description'));
    };
    const timer = setTimeout(finish, GATHERING_TIMEOUT_MS);
    if (pc.gatheringState() === 'complete') finish();
    else
      pc.onGatheringStateChange((state) => {
        if (state === 'complete') finish();
      });
  });
}
