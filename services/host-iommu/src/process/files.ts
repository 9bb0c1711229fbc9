/**
 * Open files. An fd names an open file; SendFd shares the same open file with another
 * process (SCM_RIGHTS). The file's release runs when the last fd referring to it closes.
 */
import type { MemFile } from '#libs/memory/file.js';

export type FileKind =
  | 'iommufd'
  | 'vfio-device'
  | 'vfio-group'
  | 'vfio-container'
  | 'memfd'
  | 'dmabuf'
  | 'fault'
  | 'veventq'
  | 'vfio-mig';

export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;

export abstract class OpenFile {
  abstract readonly kind: FileKind;
  /** Number of fd-table entries (across processes) plus internal holders. */
  refs = 0;
  released = false;
  constructor(
    readonly path: string,
    readonly flags: number,
  ) {}
  get readable(): boolean {
    return (this.flags & O_ACCMODE) !== O_WRONLY;
  }
  get writable(): boolean {
    const m = this.flags & O_ACCMODE;
    return m === O_WRONLY || m === O_RDWR;
  }
  get(): void {
    this.refs++;
  }
  /** Drop one reference; runs release() when it was the last. */
  put(): void {
    this.refs--;
    if (this.refs === 0 && !this.released) {
      this.released = true;
      this.release();
    }
  }
  protected abstract release(): void;
}

export class MemfdOpenFile extends OpenFile {
  readonly kind = 'memfd';
  /**
   * The open file holds the memory object; mappings hold this open file (and the object), IOAS
   * pages objects hold the object. The memory is freed when the last of them goes; pinned frames
   * at their last unpin.
   */
  constructor(
    readonly file: MemFile,
    readonly hugetlb: boolean,
  ) {
    super(`/memfd:${file.name}`, O_RDWR);
    file.get();
  }
  protected release(): void {
    this.file.put();
  }
}
