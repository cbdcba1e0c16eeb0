// Uploads from the browser through /api/s3: one PUT for small files, S3 multipart
// (CreateMultipartUpload, UploadPart, CompleteMultipartUpload) above 16 MiB. XMLHttpRequest is
// used because fetch() reports no upload progress. The server streams each body through to the
// store unbuffered. `headers` (the encryption asked for) go on the PUT or the
// CreateMultipartUpload only: the parts of an SSE-S3/SSE-KMS upload carry none.

import { currentSession, parseError, s3Path, xmlEscape, ApiError } from "./api";

export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
export const PART_SIZE = 8 * 1024 * 1024;

export interface UploadProgress {
  loaded: number;
  total: number;
}

export class Upload {
  private xhr: XMLHttpRequest | null = null;
  private cancelled = false;
  private uploadId: string | null = null;

  constructor(
    public bucket: string,
    public key: string,
    public file: Blob,
    private onProgress: (p: UploadProgress) => void,
    private headers: Record<string, string> = {},
  ) {}

  cancel(): void {
    this.cancelled = true;
    this.xhr?.abort();
  }

  async run(): Promise<void> {
    if (this.file.size > MULTIPART_THRESHOLD) await this.multipart();
    else await this.send("PUT", s3Path(this.bucket, this.key), this.file, 0);
  }

  private checkCancelled(): void {
    if (this.cancelled) throw new ApiError(0, "Cancelled", "The upload was cancelled.");
  }

  /** One request with progress; resolves with the XHR once it answered 2xx. */
  private send(method: string, path: string, body: Blob | string, offset: number): Promise<XMLHttpRequest> {
    this.checkCancelled();
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.xhr = xhr;
      xhr.open(method, path);
      const csrf = currentSession()?.csrfToken;
      if (csrf) xhr.setRequestHeader("X-Cairn-CSRF", csrf);
      if (body instanceof Blob) {
        const type = (this.file as File).type;
        if (method === "PUT" && offset === 0 && !path.includes("uploadId=")) {
          if (type) xhr.setRequestHeader("Content-Type", type);
          for (const [name, value] of Object.entries(this.headers)) xhr.setRequestHeader(name, value);
        }
        xhr.upload.onprogress = (e) => this.onProgress({ loaded: offset + e.loaded, total: this.file.size });
      } else {
        xhr.setRequestHeader("Content-Type", "application/xml");
      }
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) resolve(xhr);
        else reject(parseError(xhr.status, xhr.statusText, xhr.responseText));
      };
      xhr.onerror = () => reject(new ApiError(0, "NetworkError", "The connection to the server failed."));
      xhr.onabort = () => reject(new ApiError(0, "Cancelled", "The upload was cancelled."));
      xhr.send(body);
    });
  }

  private async multipart(): Promise<void> {
    const file = this.file;
    const type = (file as File).type;
    const created = await this.sendCreate(type);
    this.uploadId = created;
    try {
      const etags: string[] = [];
      let part = 1;
      for (let offset = 0; offset < file.size; offset += PART_SIZE, part += 1) {
        const slice = file.slice(offset, Math.min(offset + PART_SIZE, file.size));
        const xhr = await this.send(
          "PUT",
          s3Path(this.bucket, this.key, { partNumber: String(part), uploadId: created }),
          slice,
          offset,
        );
        etags.push(xhr.getResponseHeader("ETag") ?? "");
      }
      const body =
        "<CompleteMultipartUpload>" +
        etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`).join("") +
        "</CompleteMultipartUpload>";
      const xhr = await this.send("POST", s3Path(this.bucket, this.key, { uploadId: created }), body, 0);
      // CompleteMultipartUpload may answer 200 with an error document.
      if (xhr.responseText.includes("<Error>")) throw parseError(500, "", xhr.responseText);
      this.onProgress({ loaded: file.size, total: file.size });
    } catch (e) {
      await this.abortUpload();
      throw e;
    }
  }

  private sendCreate(type: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      this.xhr = xhr;
      xhr.open("POST", s3Path(this.bucket, this.key, { uploads: "" }));
      const csrf = currentSession()?.csrfToken;
      if (csrf) xhr.setRequestHeader("X-Cairn-CSRF", csrf);
      if (type) xhr.setRequestHeader("Content-Type", type);
      for (const [name, value] of Object.entries(this.headers)) xhr.setRequestHeader(name, value);
      xhr.onload = () => {
        if (xhr.status < 200 || xhr.status >= 300) {
          reject(parseError(xhr.status, xhr.statusText, xhr.responseText));
          return;
        }
        const doc = new DOMParser().parseFromString(xhr.responseText, "application/xml");
        const id = doc.getElementsByTagName("UploadId")[0]?.textContent ?? "";
        if (!id) reject(new ApiError(0, "InvalidResponse", "The server returned no upload id."));
        else resolve(id);
      };
      xhr.onerror = () => reject(new ApiError(0, "NetworkError", "The connection to the server failed."));
      xhr.onabort = () => reject(new ApiError(0, "Cancelled", "The upload was cancelled."));
      xhr.send();
    });
  }

  private async abortUpload(): Promise<void> {
    if (!this.uploadId) return;
    const csrf = currentSession()?.csrfToken ?? "";
    await fetch(s3Path(this.bucket, this.key, { uploadId: this.uploadId }), {
      method: "DELETE",
      headers: { "X-Cairn-CSRF": csrf },
    }).catch(() => undefined);
    this.uploadId = null;
  }
}
