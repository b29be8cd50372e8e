// Loads JSON for a page and loads it again when `key` changes (a route, or the live state's version).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiFailure, api } from './api.js';

export interface Loaded<T> {
  data?: T;
  error?: ApiFailure;
  loading: boolean;
  reload: () => void;
}

export function useFetch<T>(path: string | undefined, key: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiFailure; loading: boolean }>({
    loading: path !== undefined,
  });
  const [nonce, setNonce] = useState(0);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  useEffect(() => {
    if (path === undefined) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, loading: true }));
    api.get<T>(path, controller.signal).then(
      (data) => setState({ data, loading: false }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const failure =
          error instanceof ApiFailure
            ? error
            : new ApiFailure(0, 'E_NETWORK', String((error as Error)?.message ?? error));
        setState({ error: failure, loading: false });
      },
    );
    return () => controller.abort();
  }, [path, nonce, ...key]);
  return { ...state, reload };
}
