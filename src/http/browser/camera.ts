/**
 * Scanning with the phone's camera: the browser's own `BarcodeDetector` where it has one (Chrome on
 * Android), else the `barcode-detector` polyfill on zxing-wasm — loaded only when the camera is first
 * used, with its .wasm served by us (/assets/counting/), never from a CDN: the phone may be offline.
 */

/** The formats a warehouse meets: retail codes on items, Code 128/39 on cases and locations, QR labels. */
export const FORMATS = ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_128', 'code_39', 'qr_code'];

/** Where the zxing reader's .wasm is served (scripts/build.mjs copies it beside the page's script). */
export const WASM_URL = '/assets/counting/zxing_reader.wasm';

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

let detectorClass: Promise<DetectorClass> | null = null;

function loadDetector(): Promise<DetectorClass> {
  const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (native) return Promise.resolve(native);
  detectorClass ??= import('barcode-detector/ponyfill').then((m) => {
    m.prepareZXingModule({
      overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? WASM_URL : prefix + path) },
    });
    return m.BarcodeDetector as unknown as DetectorClass;
  });
  return detectorClass;
}

/**
 * The camera sees a label many times a second: a code counts again only after it was out of sight for
 * this many frames read (the phone moved away and back to the next item of the same kind). Counted in
 * frames rather than time, so that a slow phone (or the first frame, while the reader starts) does not
 * take one label for two.
 */
const OUT_OF_SIGHT_FRAMES = 3;

export interface CameraScan {
  stop(): void;
}

/**
 * Shows the rear camera in `video` and calls `onCode` for each code it reads. Rejects when the browser
 * has no camera access here (no HTTPS, permission refused): the caller says so in words.
 */
export async function startCamera(video: HTMLVideoElement, onCode: (code: string) => void): Promise<CameraScan> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('unsupported');
  const [Detector, stream] = await Promise.all([
    loadDetector(),
    navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false }),
  ]);
  const detector = new Detector({ formats: FORMATS });
  video.srcObject = stream;
  video.setAttribute('playsinline', '');
  video.muted = true;
  await video.play();
  let stopped = false;
  /** Frames read in a row without each code seen before (0: in sight now). */
  const absent = new Map<string, number>();
  const tick = async () => {
    if (stopped) return;
    try {
      if (video.readyState >= 2) {
        const inSight = new Set((await detector.detect(video)).map((found) => found.rawValue).filter(Boolean));
        for (const [code, frames] of absent) if (!inSight.has(code)) absent.set(code, frames + 1);
        for (const code of inSight) {
          const frames = absent.get(code);
          if (frames === undefined || frames >= OUT_OF_SIGHT_FRAMES) onCode(code);
          absent.set(code, 0);
        }
      }
    } catch {
      // A frame that could not be read: try the next one.
    }
    if (!stopped) setTimeout(() => void tick(), 200);
  };
  void tick();
  return {
    stop() {
      stopped = true;
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}
