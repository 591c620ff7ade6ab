/** A multipart/form-data body with a single file field (what KFP's upload endpoints take). */
import { randomBytes } from "crypto";

export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

export function multipartFile(field: string, filename: string, content: string, boundary?: string): MultipartBody {
  const b = boundary ?? `----kfp-protein-${randomBytes(12).toString("hex")}`;
  const head =
    `--${b}\r\n` +
    `Content-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
    `Content-Type: application/x-yaml\r\n\r\n`;
  return {
    contentType: `multipart/form-data; boundary=${b}`,
    body: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${b}--\r\n`)]),
  };
}
