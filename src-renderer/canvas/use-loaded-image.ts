import { useEffect, useRef, useState } from 'react';

/** Loads an image URL; null until it has loaded (or when it fails, with the error reported). */
export function useLoadedImage(
  url: string | null,
  onError?: (message: string) => void,
): HTMLImageElement | null {
  const [loaded, setLoaded] = useState<{ url: string; image: HTMLImageElement } | null>(null);
  // A ref, so that a new callback on every render does not reload the image.
  const onErrorRef = useRef(onError);
  useEffect(() => {
    onErrorRef.current = onError;
  });
  useEffect(() => {
    if (url === null) return;
    let alive = true;
    const img = new window.Image();
    img.decoding = 'async';
    img.onload = () => {
      if (alive) setLoaded({ url, image: img });
    };
    img.onerror = () => {
      if (alive) onErrorRef.current?.(`could not load image ${url}`);
    };
    img.src = url;
    return () => {
      alive = false;
    };
  }, [url]);
  return loaded && loaded.url === url ? loaded.image : null;
}
