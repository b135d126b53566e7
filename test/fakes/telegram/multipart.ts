/**
 * A lenient multipart/form-data reader. grammy writes its parts by hand with lower-case,
 * space-less headers and an unquoted file name
 * (`content-disposition:form-data;name="x4f…";filename=counts.csv`), so a strict parser would
 * refuse what the real Bot API accepts.
 */

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export function boundaryOf(contentType: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new Error('multipart part without header end');
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error('multipart part without closing boundary');
    const data = body.subarray(headerEnd + 4, next);
    const part: MultipartPart = { name: '', data: Buffer.from(data) };
    for (const line of headers) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') {
        const name = /(?:^|;)\s*name=(?:"([^"]*)"|([^;]*))/i.exec(value);
        if (name) part.name = (name[1] ?? name[2] ?? '').trim();
        const file = /(?:^|;)\s*filename=(?:"([^"]*)"|(.*))$/i.exec(value);
        if (file) part.filename = (file[1] ?? file[2] ?? '').trim();
      } else if (key === 'content-type') {
        part.contentType = value;
      }
    }
    parts.push(part);
    pos = next + 2;
  }
  return parts;
}
