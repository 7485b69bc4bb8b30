// useCharacter(config, callbacks?): Roomkit has no AI characters; every action rejects with 3068.
import { notSupported } from './notSupported.js';

const WHY = 'AI characters are not available';

export function useCharacter(_config: object, _callbacks: object = {}) {
  return {
    displayName: '',
    webcamStream: undefined,
    micStream: undefined,
    webcamOn: false,
    micOn: false,
    isActiveSpeaker: false,
    enableMic: notSupported('character.enableMic', WHY),
    disableMic: notSupported('character.disableMic', WHY),
    enableWebcam: notSupported('character.enableWebcam', WHY),
    disableWebcam: notSupported('character.disableWebcam', WHY),
    join: notSupported('character.join', WHY),
    leave: notSupported('character.leave', WHY),
    sendMessage: notSupported('character.sendMessage', WHY),
    interrupt: notSupported('character.interrupt', WHY),
  };
}
