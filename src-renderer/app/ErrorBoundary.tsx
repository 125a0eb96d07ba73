import { Component, type ReactNode } from 'react';

interface State {
  readonly error: Error | null;
}

/** A render error shows what broke and offers a reload, instead of a blank window. Saved work is on disk. */
export class ErrorBoundary extends Component<{ readonly children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="picker" role="alert">
        <h1>Something went wrong</h1>
        <p className="error">{this.state.error.message}</p>
        <p className="muted">Everything the status bar reported as saved is safe in the project.</p>
        <button onClick={() => window.location.reload()}>Reload</button>
      </div>
    );
  }
}
