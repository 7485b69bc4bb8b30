// What the scenarios need from a server under test: rooms with publishing peers (synthetic 1 Mbps
// VP8 + Opus, no simulcast) and receive-only subscribers, whose received streams are counted.
import type { ReceiveStats } from '../../packages/node-client/src/receive/ReceiveStats.js';

export interface Peer {
  /** Counters of every remote stream this peer receives (live objects). */
  received(): ReceiveStats[];
  close(): Promise<void>;
}

export interface Room {
  /** Joins a peer that publishes camera + mic (and, as in a meeting, receives everyone else). */
  addPublisher(name: string): Promise<Peer>;
  /** Joins a receive-only peer that subscribes to every publisher present. */
  addSubscriber(name: string): Promise<Peer>;
  /** Janus: meeting publishers subscribe to each other once all are in (Roomkit does it on join). */
  subscribeAll?(): Promise<void>;
  close(): Promise<void>;
}

export interface Target {
  name: string;
  /** Pids whose CPU counts as the server's (all threads; Roomkit: the server and its media workers). */
  pids(): number[];
  room(id: string): Promise<Room>;
  stop(): Promise<void>;
}
