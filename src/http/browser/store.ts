/**
 * The phone's copy of entries not yet taken by the server, in IndexedDB (through `idb`): it survives a
 * reload, a closed tab and a phone put to sleep, so an entry is never lost between scan and server.
 */
import { openDB, type DBSchema } from 'idb';
import type { EntryStore, QueuedEntry } from './queue.ts';

interface CountingDb extends DBSchema {
  entries: { key: string; value: QueuedEntry; indexes: { byStocktake: [string, string] } };
}

export async function openEntryStore(): Promise<EntryStore> {
  const db = await openDB<CountingDb>('stocktake-counting', 1, {
    upgrade(db) {
      db.createObjectStore('entries', { keyPath: 'id' }).createIndex('byStocktake', ['stocktake', 'at']);
    },
  });
  return {
    async put(entry) {
      await db.put('entries', entry);
    },
    list(stocktake) {
      return db.getAllFromIndex('entries', 'byStocktake', IDBKeyRange.bound([stocktake, ''], [stocktake, '\uffff']));
    },
    async remove(ids) {
      const tx = db.transaction('entries', 'readwrite');
      await Promise.all([...ids.map((id) => tx.store.delete(id)), tx.done]);
    },
  };
}
