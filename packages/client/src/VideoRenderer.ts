// What participant.renderVideo() returns: a container element, owned by the SDK, holding a <video>
// that shows the participant's camera or screen share whenever it is on. While the container is in
// the document it watches the video with an IntersectionObserver (on/off screen) and a
// ResizeObserver (rendered size) and reports both to AdaptiveSubscription; taken out of the
// document it lets go of everything (observers, listeners, the track), and put back it starts again.
import type { AdaptiveSubscription, MaxQuality, VideoView } from './AdaptiveSubscription.js';
import type { Participant } from './Participant.js';
import { RoomkitError } from './protocolRuntime.js';
import type { Stream } from './Stream.js';

export type StyleMap = Partial<Record<string, string | number>>;

export interface RenderVideoOptions {
  /** Camera ('video', default) or screen share ('share'). */
  type?: 'video' | 'share';
  /** Highest simulcast layer to receive; 'auto' (default) picks by the element's size. */
  maxQuality?: MaxQuality;
  /** Inline styles of the returned container, e.g. `{ width: '320px', height: '180px' }`. */
  containerStyle?: StyleMap;
  /** Inline styles of the <video> inside (default: fill the container, `object-fit: cover`). */
  videoStyle?: StyleMap;
}

/** A custom element only so the browser tells us when it enters or leaves the document. */
export const PLAYER_TAG = 'roomkit-video-player';
const HOOKS = Symbol.for('roomkit.videoRenderer');

interface Hooks {
  connected(): void;
  disconnected(): void;
}

/** Hidden this long before it counts as hidden: a quick scroll past does not pause the stream. */
const HIDE_DELAY_MS = 500;
/** Size changes are reported at most this often (a window being dragged wider). */
const RESIZE_DELAY_MS = 200;

function definePlayerElement(): void {
  if (typeof customElements === 'undefined') {
    throw new RoomkitError('ERROR_INVALID_PARAMETER', 'renderVideo() needs a browser page (customElements)');
  }
  if (customElements.get(PLAYER_TAG)) return;
  // Generic on purpose: a second copy of the SDK on the page reuses this definition.
  customElements.define(
    PLAYER_TAG,
    class extends HTMLElement {
      connectedCallback(): void {
        ((this as unknown as Record<symbol, Hooks | undefined>)[HOOKS])?.connected();
      }
      disconnectedCallback(): void {
        ((this as unknown as Record<symbol, Hooks | undefined>)[HOOKS])?.disconnected();
      }
    },
  );
}

function applyStyle(el: HTMLElement, style: StyleMap | undefined): void {
  if (!style) return;
  for (const [key, value] of Object.entries(style)) {
    if (value === undefined) continue;
    const prop = key.includes('-') ? key : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    el.style.setProperty(prop, typeof value === 'number' && !/^(opacity|z-index|flex|order)/.test(prop) ? `${value}px` : String(value));
  }
}

export class VideoRenderer implements VideoView {
  readonly element: HTMLElement;
  readonly video: HTMLVideoElement;
  readonly kind: 'video' | 'share';
  readonly maxQuality: MaxQuality;
  visible = false;
  width = 0;
  height = 0;
  private stream: Stream | null = null;
  private active = false;
  private disposed = false;
  private intersecting = false;
  /** Registered with AdaptiveSubscription: only once both observers have reported. */
  private registered = false;
  private seenIntersection = false;
  private seenSize = false;
  private hideTimer: ReturnType<typeof setTimeout> | null = null;
  private resizeTimer: ReturnType<typeof setTimeout> | null = null;
  private intersection: IntersectionObserver | null = null;
  private resize: ResizeObserver | null = null;
  private readonly onEnabled = (stream: Stream) => {
    if (stream.kind === this.kind) this.attach(stream);
  };
  private readonly onDisabled = (stream: Stream) => {
    if (stream === this.stream) this.attach(null);
  };

  constructor(
    readonly participant: Participant,
    options: RenderVideoOptions,
    /** Null for the local participant: nothing to pause or choose. */
    private readonly adaptive: AdaptiveSubscription | null,
    /** Told when the renderer starts or stops holding resources, so the meeting can dispose it. */
    private readonly activeChanged: (renderer: VideoRenderer, active: boolean) => void,
  ) {
    definePlayerElement();
    this.kind = options.type === 'share' ? 'share' : 'video';
    this.maxQuality = options.maxQuality ?? 'auto';
    this.element = document.createElement(PLAYER_TAG);
    this.element.style.display = 'block';
    this.element.dataset.participantId = participant.id;
    this.element.dataset.type = this.kind;
    applyStyle(this.element, options.containerStyle);
    this.video = document.createElement('video');
    this.video.autoplay = true;
    this.video.muted = true;
    this.video.playsInline = true;
    applyStyle(this.video, { width: '100%', height: '100%', objectFit: this.kind === 'share' ? 'contain' : 'cover', ...options.videoStyle });
    this.element.appendChild(this.video);
    (this.element as unknown as Record<symbol, Hooks>)[HOOKS] = { connected: () => this.connected(), disconnected: () => this.disconnected() };
  }

  /** The participant left or the meeting ended: release everything for good. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disconnected();
    delete (this.element as unknown as Record<symbol, Hooks | undefined>)[HOOKS];
  }

  private connected(): void {
    if (this.active || this.disposed) return;
    this.active = true;
    this.participant.on('stream-enabled', this.onEnabled);
    this.participant.on('stream-disabled', this.onDisabled);
    this.attach(this.participant.streamOf(this.kind) ?? null);
    this.activeChanged(this, true);
    if (this.adaptive) {
      this.intersection = new IntersectionObserver((entries) => this.onIntersection(entries));
      this.resize = new ResizeObserver((entries) => this.onResize(entries));
      this.intersection.observe(this.video);
      this.resize.observe(this.video);
    }
  }

  private disconnected(): void {
    if (!this.active) return;
    this.active = false;
    this.participant.off('stream-enabled', this.onEnabled);
    this.participant.off('stream-disabled', this.onDisabled);
    this.intersection?.disconnect();
    this.resize?.disconnect();
    this.intersection = this.resize = null;
    if (this.hideTimer) clearTimeout(this.hideTimer);
    if (this.resizeTimer) clearTimeout(this.resizeTimer);
    this.hideTimer = this.resizeTimer = null;
    this.visible = this.intersecting = this.seenIntersection = this.seenSize = false;
    this.attach(null);
    if (this.registered) this.adaptive?.unregister(this);
    this.registered = false;
    this.activeChanged(this, false);
  }

  private attach(stream: Stream | null): void {
    if (stream === this.stream && (stream === null || (this.video.srcObject as MediaStream | null)?.getVideoTracks()[0] === stream.track)) return;
    this.stream = stream;
    this.video.srcObject = stream ? new MediaStream([stream.track]) : null;
    if (stream) void this.video.play().catch(() => {});
  }

  private onIntersection(entries: IntersectionObserverEntry[]): void {
    const entry = entries[entries.length - 1];
    if (!entry) return;
    this.intersecting = entry.isIntersecting;
    this.seenIntersection = true;
    this.updateVisible();
  }

  private onResize(entries: ResizeObserverEntry[]): void {
    const entry = entries[entries.length - 1];
    if (!entry) return;
    // Device pixels (at most 2x): a 320-px tile on a high-density screen deserves the middle layer.
    const density = Math.min(Math.max(globalThis.devicePixelRatio || 1, 1), 2);
    const width = Math.round(entry.contentRect.width * density);
    const height = Math.round(entry.contentRect.height * density);
    const grewFromNothing = (this.width === 0 || this.height === 0) && width > 0 && height > 0;
    this.width = width;
    this.height = height;
    this.seenSize = true;
    if (!this.registered || grewFromNothing || width === 0 || height === 0) {
      this.updateVisible();
      return;
    }
    if (this.resizeTimer) return;
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = null;
      this.adaptive?.viewChanged(this);
    }, RESIZE_DELAY_MS);
  }

  private updateVisible(): void {
    const visible = this.intersecting && this.width > 0 && this.height > 0;
    if (!this.registered) {
      // The first full report is taken as it is: a view that starts off-screen is paused at once.
      if (!this.seenIntersection || !this.seenSize || !this.adaptive) return;
      this.visible = visible;
      this.registered = true;
      this.adaptive.register(this);
      return;
    }
    if (visible) {
      if (this.hideTimer) clearTimeout(this.hideTimer);
      this.hideTimer = null;
      if (!this.visible) {
        this.visible = true;
        this.adaptive?.viewChanged(this);
      }
      return;
    }
    if (!this.visible || this.hideTimer) return;
    this.hideTimer = setTimeout(() => {
      this.hideTimer = null;
      this.visible = false;
      this.adaptive?.viewChanged(this);
    }, HIDE_DELAY_MS);
  }
}
