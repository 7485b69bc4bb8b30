// MemoryPubSubArchive (the archive of a server without a store) keeps the same retention limits as
// the SQLite one: per topic and per session, oldest first, and forgets a session that ended.
import { describe, expect, it } from 'vitest';
import type { PubSubMessage } from '@roomkit/protocol';
import { MemoryPubSubArchive } from './RoomPubSub.js';

const msg = (id: string, topic = 'CHAT', text = `m-${id}`): PubSubMessage => ({ id, topic, message: text, senderId: 'a', senderName: 'A', timestamp: '2024-01-01T00:00:00.000Z' });
const s = { roomId: 'r', sessionId: 's1' };

describe('MemoryPubSubArchive', () => {
  it('append past messagesPerTopic keeps the newest N of that topic; other topics are untouched', () => {
    const archive = new MemoryPubSubArchive({ messagesPerTopic: 3, bytesPerTopic: 1e6, messagesPerSession: 100, bytesPerSession: 1e6 });
    archive.append(s, msg('x', 'OTHER'), null);
    for (let i = 0; i < 50; i++) archive.append(s, msg(String(i)), null);
    expect(archive.history(s, 'CHAT', 'a').map((m) => m.id)).toEqual(['47', '48', '49']);
    expect(archive.history(s, 'OTHER', 'a').map((m) => m.id)).toEqual(['x']);
  });

  it('append past bytesPerTopic, messagesPerSession or bytesPerSession drops the oldest until it fits', () => {
    const bytes = new MemoryPubSubArchive({ messagesPerTopic: 100, bytesPerTopic: 1000, messagesPerSession: 100, bytesPerSession: 1e6 });
    for (let i = 0; i < 20; i++) bytes.append(s, msg(String(i), 'CHAT', 'x'.repeat(300)), null);
    expect(bytes.history(s, 'CHAT', 'a').map((m) => m.id)).toEqual(['18', '19']);
    const session = new MemoryPubSubArchive({ messagesPerTopic: 100, bytesPerTopic: 1e6, messagesPerSession: 4, bytesPerSession: 1e6 });
    for (let i = 0; i < 20; i++) session.append(s, msg(String(i), `T${i}`), null);
    expect(session.history(s, 'T15', 'a')).toEqual([]);
    expect(session.history(s, 'T16', 'a').map((m) => m.id)).toEqual(['16']);
  });

  it('keeps sendOnly messages private and forgets a dropped session', () => {
    const archive = new MemoryPubSubArchive();
    archive.append(s, msg('1'), ['a']);
    archive.append(s, msg('2'), null);
    expect(archive.history(s, 'CHAT', 'b').map((m) => m.id)).toEqual(['2']);
    archive.drop(s);
    expect(archive.history(s, 'CHAT', 'a')).toEqual([]);
  });
});
