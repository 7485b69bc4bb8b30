// The client README's compatibility table must name every member of @videosdk.live/js-sdk 1.1.1:
// read its published declarations (a dev dependency) and look for each name in the matching section.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const sdkDir = dirname(require.resolve('@videosdk.live/js-sdk/package.json'));
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** README `### Heading` → its text. */
const sections = new Map<string, string>();
for (const part of readme.split(/^### /m).slice(1)) sections.set(part.slice(0, part.indexOf('\n')).trim(), part);

function source(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(sdkDir, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

function find<T extends ts.Node>(file: string, test: (n: ts.Node) => n is T, name: string): T {
  let found: T | undefined;
  const visit = (n: ts.Node) => {
    if (!found && test(n) && (n as unknown as { name?: ts.Identifier }).name?.text === name) found = n;
    ts.forEachChild(n, visit);
  };
  visit(source(file));
  if (!found) throw new Error(`${name} not in ${file}`);
  return found;
}

const memberNames = (members: ts.NodeArray<ts.ClassElement | ts.TypeElement>) =>
  members.flatMap((m) => (m.name ? [m.name.getText().replace(/^"|"$/g, '')] : []));

function classMembers(file: string, name: string): string[] {
  return [...new Set(memberNames(find(file, ts.isClassDeclaration, name).members))];
}

function typeMembers(file: string, name: string): string[] {
  const alias = find(file, ts.isTypeAliasDeclaration, name);
  return ts.isTypeLiteralNode(alias.type) ? memberNames(alias.type.members) : [];
}

/** Property names of the object-literal type of parameter 0 of a static method of VideoSDK. */
function optionNames(method: string): string[] {
  const cls = find('index.d.ts', ts.isClassDeclaration, 'VideoSDK');
  const m = cls.members.find((x) => x.name?.getText() === method) as ts.MethodDeclaration;
  const type = m.parameters[0]!.type!;
  return ts.isTypeLiteralNode(type) ? memberNames(type.members) : [];
}

function missing(section: string, names: string[]): string[] {
  const text = sections.get(section);
  if (!text) throw new Error(`README has no '### ${section}' section`);
  return names.filter((n) => !new RegExp('`' + n.replace(/[$]/g, '\\$') + '[`( ]').test(text));
}

const CASES: [section: string, what: string, names: () => string[]][] = [
  ['VideoSDK statics', 'VideoSDK statics', () => classMembers('index.d.ts', 'VideoSDK')],
  ['`initMeeting` options', 'initMeeting options', () => optionNames('initMeeting')],
  ['Track creation options', 'createCameraVideoTrack options', () => optionNames('createCameraVideoTrack')],
  ['Track creation options', 'createMicrophoneAudioTrack options', () => optionNames('createMicrophoneAudioTrack')],
  ['Track creation options', 'createScreenShareVideoTrack options', () => optionNames('createScreenShareVideoTrack')],
  ['`runPreCallTest` options and result', 'runPreCallTest options', () => optionNames('runPreCallTest')],
  ['Meeting properties', 'Meeting properties', () => find('meeting.d.ts', ts.isClassDeclaration, 'Meeting').members.filter(ts.isPropertyDeclaration).map((m) => m.name.getText())],
  ['Meeting methods', 'Meeting methods', () => find('meeting.d.ts', ts.isClassDeclaration, 'Meeting').members.filter(ts.isMethodDeclaration).map((m) => m.name.getText())],
  ['Meeting events (name and payload)', 'MeetingEvent', () => typeMembers('meeting.d.ts', 'MeetingEvent')],
  ['Participant', 'Participant members', () => classMembers('participant.d.ts', 'Participant')],
  ['Participant', 'ParticipantEvent', () => typeMembers('participant.d.ts', 'ParticipantEvent')],
  ['Stream', 'Stream members', () => classMembers('stream.d.ts', 'Stream')],
  ['pubSub and message', 'pubSub', () => classMembers('pubSub.d.ts', 'pubSub')],
  ['pubSub and message', 'message', () => classMembers('pubSub.d.ts', 'message')],
  ['realtimeStore', 'realtimeStore', () => classMembers('realtimeStore.d.ts', 'realtimeStore')],
  ['AgentParticipant and characters', 'AgentParticipant', () => classMembers('agentParticipant.d.ts', 'AgentParticipant')],
  ['AgentParticipant and characters', 'AgentParticipantEvent', () => typeMembers('agentParticipant.d.ts', 'AgentParticipantEvent')],
  ['Module exports', 'exports', () => {
    const names: string[] = [];
    source('index.d.ts').forEachChild((n) => {
      if (ts.isExportDeclaration(n) && n.exportClause && ts.isNamedExports(n.exportClause)) names.push(...n.exportClause.elements.map((e) => e.name.text));
      if ((ts.isClassDeclaration(n) || ts.isTypeAliasDeclaration(n)) && n.name && n.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) names.push(n.name.text);
    });
    return names;
  }],
  ['Constants', 'Constants groups', () => {
    const cls = find('index.d.ts', ts.isClassDeclaration, 'VideoSDK');
    const c = cls.members.find((m) => m.name?.getText() === 'Constants') as ts.PropertyDeclaration;
    return memberNames((c.type as ts.TypeLiteralNode).members);
  }],
];

describe('client README compatibility table covers js-sdk 1.1.1', () => {
  it.each(CASES)('section "%s" names every one of the %s', (section, _what, names) => {
    const all = names();
    expect(all.length).toBeGreaterThan(0);
    expect(missing(section, all)).toEqual([]);
  });
});
