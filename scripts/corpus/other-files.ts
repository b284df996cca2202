import type { Patient } from './patients.ts';

/**
 * The non-DICOM files a patient CD carries. They are never de-identified (Veil lists them as
 * skipped), but their names and contents hold PHI too, so the manifest records them.
 */

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** AUTORUN.INF: Windows shows `label` as the disc name, and burners put the patient there. */
export const autorunInf = (p: Patient): Uint8Array =>
  latin1(
    `[autorun]\r\nopen=VIEWER.EXE\r\nicon=VIEWER.EXE,0\r\nlabel=${p.otherNames.replace('^', ' ')} ${p.birthDateForms[2]}\r\n`,
  );

/** A stand-in viewer: an MZ header, the DOS stub and a PE signature. Not runnable, just recognisable. */
export const viewerExe = (): Uint8Array => {
  const out = new Uint8Array(512);
  out.set(latin1('MZ'), 0);
  new DataView(out.buffer).setUint32(0x3c, 0x80, true);
  out.set(latin1('This program cannot be run in DOS mode.\r\r\n$'), 0x4e);
  out.set(latin1('PE\0\0'), 0x80);
  new DataView(out.buffer).setUint16(0x84, 0x14c, true);
  out.set(latin1('Veil Test Viewer 1.0'), 0x100);
  return out;
};

/** A one-page PDF report naming the patient in the text and the document info. */
export const reportPdf = (p: Patient): Uint8Array => {
  const who = `${p.otherNames.replace('^', ' ')}, ${p.birthDateForms[2]}, ${p.id}`;
  const text = `BT /F1 12 Tf 72 770 Td (Befund: ${who}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Title (Befund ${p.otherNames.replace('^', ' ')}) /Author (${p.staff.reading.split('^')[0]}) >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return latin1(body);
};

/** A 16x16 baseline JPEG (made once with Pillow) with a comment segment naming the patient. */
const JPEG =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAAAwQF/8QAFRABAQAAAAAAAAAAAAAAAAAAAgD/xAAVAQEBAAAAAAAAAAAAAAAAAAACBP/EABYRAQEBAAAAAAAAAAAAAAAAAAIAA//aAAwDAQACEQMRAD8A1kIUK9CFCgLlq7//2Q==';

/** PHOTO.JPG: a clinical photo with a COM segment (JPEG ITU T.81 B.2.4.5) holding the name. */
export const photoJpeg = (p: Patient): Uint8Array => {
  const jpeg = Uint8Array.from(atob(JPEG), (c) => c.charCodeAt(0));
  const comment = latin1(`Patient ${p.otherNames.replace('^', ' ')} ${p.birthDateForms[2]}`);
  const segment = new Uint8Array(4 + comment.length);
  segment.set([0xff, 0xfe, (comment.length + 2) >> 8, (comment.length + 2) & 0xff]);
  segment.set(comment, 4);
  const at = 20; // after SOI and the 18-byte JFIF APP0
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, at));
  out.set(segment, at);
  out.set(jpeg.subarray(at), at + segment.length);
  return out;
};
