// Creates libdatachannel PeerConnections configured for the shared UDP mux port.
import nodeDataChannel from 'node-datachannel';
import type { MediaEngineOptions } from './types.js';

const { PeerConnection } = nodeDataChannel;
export type PeerConnection = InstanceType<typeof PeerConnection>;

export function createPeerConnection(name: string, options: MediaEngineOptions, autoNegotiation: boolean): PeerConnection {
  return new PeerConnection(name, {
    iceServers: [],
    enableIceUdpMux: true,
    portRangeBegin: options.rtcPort,
    portRangeEnd: options.rtcPort,
    bindAddress: options.bindAddress,
    disableAutoNegotiation: !autoNegotiation,
  });
}
