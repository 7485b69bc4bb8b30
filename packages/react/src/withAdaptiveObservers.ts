// withAdaptiveObservers(VideoPlayer): Roomkit's VideoPlayer is already adaptive (renderVideo() pauses
// off-screen streams and picks the layer by size), so the component comes back as it is.
import type { ComponentType } from 'react';

export function withAdaptiveObservers<P>(VideoPlayerComponent: ComponentType<P>, _intersectionObserverOptions?: object, _debounceDelay?: number): ComponentType<P> {
  return VideoPlayerComponent;
}
