// useTranslation(callbacks?): Roomkit has no translation; its actions reject with 3068 and its
// callbacks are never called.
import { notSupported } from './notSupported.js';

const WHY = 'translation is not available';

export function useTranslation(_callbacks: { onTranslationStateChanged?: (data: unknown) => void; onTranslationLanguageChanged?: (data: unknown) => void; onTranslationText?: (data: unknown) => void } = {}) {
  return {
    startTranslation: notSupported('startTranslation', WHY),
    changeTranslationLanguage: notSupported('changeTranslationLanguage', WHY),
    stopTranslation: notSupported('stopTranslation', WHY),
  };
}
