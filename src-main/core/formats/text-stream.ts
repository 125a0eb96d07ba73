import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * A buffered text writer over a file stream that honours backpressure: small pieces are gathered into
 * ~256 KiB chunks, and `write` waits for 'drain' whenever the stream's buffer is full, so memory stays
 * bounded however large the output grows.
 */
export class TextFileWriter {
  private readonly stream: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;
  private failure: Error | null = null;
  private static readonly CHUNK_CHARS = 256 * 1024;

  constructor(readonly filePath: string) {
    this.stream = createWriteStream(filePath, { encoding: 'utf8' });
    this.stream.on('error', (e) => {
      this.failure = e;
    });
  }

  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= TextFileWriter.CHUNK_CHARS) await this.flush();
  }

  private throwIfFailed(): void {
    const failure = this.failure;
    if (failure !== null) throw failure;
  }

  private async flush(): Promise<void> {
    this.throwIfFailed();
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.stream.write(chunk)) {
      // once() rejects if the stream emits 'error' while waiting.
      await once(this.stream, 'drain');
    }
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'close');
    this.throwIfFailed();
  }

  /** Closes without flushing (after a failure or cancel); never throws. */
  async abort(): Promise<void> {
    this.pending = [];
    if (this.stream.closed) return;
    this.stream.destroy();
    await once(this.stream, 'close').catch(() => undefined);
  }
}
