import { PGlite } from '@electric-sql/pglite';
let t0 = Date.now();
const pg = await PGlite.create();
await pg.exec('create table a(x int)');
const dump = await pg.dumpDataDir('none');
console.log('create+dump', Date.now() - t0, dump.size); t0 = Date.now();
for (let i=0;i<3;i++){
const pg2 = await PGlite.create({ loadDataDir: dump });
console.log('from dump', Date.now() - t0, (await pg2.query('select count(*) from a')).rows); t0 = Date.now();
}
