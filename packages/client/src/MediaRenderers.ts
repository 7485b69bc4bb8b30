// The meeting's SDK-owned media elements: participant.renderVideo() / renderAudio() create them
// here; they are released when they leave the document, when their participant leaves, or when
// the meeting ends. Also owns the meeting's AdaptiveSubscription (which those elements feed).
import { AdaptiveSubscription, type AdaptiveOptions } from './AdaptiveSubscription.js';
import type { Participant } from './Participant.js';
import type { Stream } from './Stream.js';
import { VideoRenderer, type RenderVideoOptions } from './VideoRenderer.js';

export interface RenderAudioOptions {
  /** Microphone ('audio', default) or screen-share audio ('shareAudio'). */
  type?: 'audio' | 'shareAudio';
}

interface AudioBinding {
  participant: Participant;
  element: WeakRef<HTMLAudioElement>;
  onEnabled(stream: Stream): void;
  onDisabled(stream: Stream): void;
}

export class MediaRenderers {
  readonly adaptive: AdaptiveSubscription;
  /** Video renderers currently in the document (holding observers, listeners, a track). */
  private readonly videos = new Set<VideoRenderer>();
  private readonly audios = new Set<AudioBinding>();

  constructor(options: AdaptiveOptions) {
    this.adaptive = new AdaptiveSubscription(options);
  }

  renderVideo(participant: Participant, options: RenderVideoOptions = {}): HTMLElement {
    const renderer = new VideoRenderer(participant, options, participant.local ? null : this.adaptive, (r, active) => {
      if (active) this.videos.add(r);
      else this.videos.delete(r);
    });
    return renderer.element;
  }

  /**
   * An <audio> playing the participant's microphone (or screen-share audio) whenever it is on.
   * Your own participant's element stays silent (no echo). The element is held weakly: dropping
   * it is enough; its listener goes at the next stream change or when the participant leaves.
   */
  renderAudio(participant: Participant, options: RenderAudioOptions = {}): HTMLAudioElement {
    const kind = options.type === 'shareAudio' ? 'shareAudio' : 'audio';
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.dataset.participantId = participant.id;
    audio.dataset.type = kind;
    if (participant.local) return audio;
    const ref = new WeakRef(audio);
    const show = (stream: Stream | undefined) => {
      const el = ref.deref();
      if (!el) return void this.unbind(binding);
      el.srcObject = stream ? new MediaStream([stream.track]) : null;
      if (stream) void el.play().catch(() => {});
    };
    const binding: AudioBinding = {
      participant,
      element: ref,
      onEnabled: (stream) => {
        if (stream.kind === kind) show(stream);
      },
      onDisabled: (stream) => {
        if (stream.kind === kind) show(participant.streamOf(kind));
      },
    };
    participant.on('stream-enabled', binding.onEnabled);
    participant.on('stream-disabled', binding.onDisabled);
    this.audios.add(binding);
    show(participant.streamOf(kind));
    return audio;
  }

  /** A remote stream arrived (RemoteMedia): let adaptive subscription decide whether to pause it. */
  streamAdded(participant: Participant, stream: Stream): void {
    this.adaptive.streamAdded(participant, stream);
  }

  /** The participant left: its elements let go of everything (they stay in the page, empty). */
  participantGone(participant: Participant): void {
    for (const r of [...this.videos]) if (r.participant === participant) r.dispose();
    for (const b of [...this.audios]) if (b.participant === participant) this.unbind(b);
  }

  /** Live renderers (elements in the document, and audio bindings): for leak checks. */
  get counts(): { video: number; audio: number; adaptiveViews: number } {
    return { video: this.videos.size, audio: this.audios.size, adaptiveViews: this.adaptive.viewCount };
  }

  close(): void {
    for (const r of [...this.videos]) r.dispose();
    for (const b of [...this.audios]) this.unbind(b);
    this.adaptive.close();
  }

  private unbind(binding: AudioBinding): void {
    binding.participant.off('stream-enabled', binding.onEnabled);
    binding.participant.off('stream-disabled', binding.onDisabled);
    this.audios.delete(binding);
    const el = binding.element.deref();
    if (el) el.srcObject = null;
  }
}
