/** Photos of a location from the counting page (拍照留档): the camera's or the gallery's file, sent as it is. */
import { fill, type CountingWords } from '../pages/countingWords.ts';
import { NetworkError, type Api } from './api.ts';

export async function addPhoto(o: {
  api: Api;
  words: CountingWords;
  input: HTMLInputElement;
  location: string;
  /** Where the thumbnails go. */
  list: HTMLElement;
  say(text: string, tone?: 'ok' | 'bad' | 'info'): void;
  reasonOf(error: unknown): string;
}): Promise<void> {
  const { words: w } = o;
  const file = o.input.files?.[0];
  o.input.value = '';
  if (!file) return;
  o.say(w.photoSending);
  try {
    const added = await o.api.photo(o.location, file);
    const img = document.createElement('img');
    img.src = `/api/v1/photos/${added.sha256}/thumbnail`;
    img.alt = file.name;
    img.className = 'thumb';
    img.dataset.sha256 = added.sha256;
    o.list.append(img);
    o.say(fill(w.photoAdded, { location: o.location }), 'ok');
  } catch (error) {
    o.say(error instanceof NetworkError ? w.photoOffline : fill(w.photoFailed, { reason: o.reasonOf(error) }), 'bad');
  }
}
