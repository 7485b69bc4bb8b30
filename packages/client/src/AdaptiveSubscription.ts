// Adaptive subscription: the SDK decides by itself what remote video to receive and at which layer,
// from what the user can actually see. renderVideo() elements report whether they are on screen and
// how large they are; the page reports whether it is in the background. A stream every one of whose
// elements is off-screen, or any video while the page is hidden, is paused on the server; a camera
// gets the simulcast layer that fits its largest visible element (capped by maxQuality).
import type { Quality } from '@roomkit/protocol';
import type { Logger } from '@roomkit/client-core';
import type { Participant } from './Participant.js';
import type { Stream } from './Stream.js';

export type MaxQuality = Quality | 'auto';

/** What AdaptiveSubscription reads from one renderVideo() element of a remote participant. */
export interface VideoView {
  readonly participant: Participant;
  readonly kind: 'video' | 'share';
  /** Laid out, non-empty and (at least partly) inside the viewport. */
  readonly visible: boolean;
  /** Rendered size in device pixels. */
  readonly width: number;
  readonly height: number;
  readonly maxQuality: MaxQuality;
}

export interface AdaptiveOptions {
  /** Pause incoming video and screen share while the page is hidden (a background tab). */
  pauseVideoInBackground: boolean;
  log: Logger;
  /** The meeting's remote participants now. */
  participants(): Iterable<Participant>;
}

const QUALITY_RANK: Record<Quality, number> = { low: 0, med: 1, high: 2 };
const QUALITIES: Quality[] = ['low', 'med', 'high'];

/** The layer that fills a view of this size: the low layer is 320 wide, the middle one 640. */
export function qualityForViewport(width: number, height: number): Quality {
  const size = Math.max(width, (height * 16) / 9);
  return size <= 320 ? 'low' : size <= 640 ? 'med' : 'high';
}

export class AdaptiveSubscription {
  private readonly views = new Set<VideoView>();
  /** The quality being asked for per participant while the request is in flight (not repeated). */
  private readonly asked = new WeakMap<Participant, Quality>();
  private pageHidden = false;
  private listening = false;
  private readonly onVisibility = () => this.setPageHidden(document.visibilityState === 'hidden');

  constructor(private readonly options: AdaptiveOptions) {}

  /** Starts following the page's visibility (after join). */
  start(): void {
    if (!this.options.pauseVideoInBackground || this.listening || typeof document === 'undefined') return;
    this.listening = true;
    document.addEventListener('visibilitychange', this.onVisibility);
    this.pageHidden = document.visibilityState === 'hidden';
  }

  /** Stops listening; views are disposed by their owner (Meeting closes them with the participants). */
  close(): void {
    if (this.listening) document.removeEventListener('visibilitychange', this.onVisibility);
    this.listening = false;
    this.views.clear();
  }

  register(view: VideoView): void {
    this.views.add(view);
    this.refresh(view.participant, view.kind);
  }

  unregister(view: VideoView): void {
    if (this.views.delete(view)) this.refresh(view.participant, view.kind);
  }

  /** A view's visibility or size changed. */
  viewChanged(view: VideoView): void {
    if (this.views.has(view)) this.refresh(view.participant, view.kind);
  }

  /** A remote stream arrived: pause it at once if nobody can see it. */
  streamAdded(participant: Participant, stream: Stream): void {
    if (stream.kind === 'video' || stream.kind === 'share') this.refresh(participant, stream.kind);
  }

  /** Number of live views (for leak checks in tests and debugging). */
  get viewCount(): number {
    return this.views.size;
  }

  /** Re-applies every decision (after a reconnect: requests made while the socket was down failed). */
  refreshAll(): void {
    for (const p of this.options.participants()) {
      this.refresh(p, 'video');
      this.refresh(p, 'share');
    }
  }

  private setPageHidden(hidden: boolean): void {
    if (hidden === this.pageHidden) return;
    this.pageHidden = hidden;
    this.options.log.debug(`page ${hidden ? 'hidden: pausing' : 'visible: resuming'} incoming video`);
    this.refreshAll();
  }

  private refresh(participant: Participant, kind: 'video' | 'share'): void {
    if (participant.local) return;
    const stream = participant.streamOf(kind);
    let viewed = false;
    let visible = false;
    let best = -1;
    for (const view of this.views) {
      if (view.participant !== participant || view.kind !== kind) continue;
      viewed = true;
      if (!view.visible) continue;
      visible = true;
      const fit = QUALITY_RANK[qualityForViewport(view.width, view.height)];
      best = Math.max(best, view.maxQuality === 'auto' ? fit : Math.min(fit, QUALITY_RANK[view.maxQuality]));
    }
    if (stream) {
      this.setReason(stream, 'page-hidden', this.pageHidden && this.options.pauseVideoInBackground);
      this.setReason(stream, 'offscreen', viewed && !visible);
    }
    if (kind === 'video' && best >= 0) this.askQuality(participant, QUALITIES[best]!);
  }

  private setReason(stream: Stream, reason: 'page-hidden' | 'offscreen', on: boolean): void {
    stream._setPauseReason(reason, on).catch((err: unknown) => this.options.log.debug(`could not ${on ? 'pause' : 'resume'} ${stream.id} (${reason})`, err));
  }

  private askQuality(participant: Participant, quality: Quality): void {
    if ((this.asked.get(participant) ?? participant.quality) === quality) return;
    this.asked.set(participant, quality);
    participant
      .setQuality(quality)
      .catch((err: unknown) => this.options.log.debug(`could not set ${participant.id}'s quality to ${quality}`, err))
      .finally(() => {
        if (this.asked.get(participant) === quality) this.asked.delete(participant);
      });
  }
}
