// useFile(): Roomkit has no file storage; both actions reject with 3068.
import { notSupported } from './notSupported.js';

const WHY = 'file upload is not available; store files in your own backend and share their URL with usePubSub';

export function useFile() {
  return { uploadBase64File: notSupported('uploadBase64File', WHY), fetchBase64File: notSupported('fetchBase64File', WHY) };
}
