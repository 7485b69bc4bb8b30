// useAgentParticipant(id, callbacks?): Roomkit has no AI agents. An agent is not a participant here,
// so this is useParticipant() with the agent fields empty; the agent callbacks are never called.
import { useParticipant, type ParticipantCallbacks } from './useParticipant.js';

export function useAgentParticipant(participantId: string, callbacks: ParticipantCallbacks & Record<string, unknown> = {}) {
  const p = useParticipant(participantId, callbacks);
  return { ...p, agentParticipant: p.participant, id: participantId, agentId: '', agentState: 'IDLE' };
}
