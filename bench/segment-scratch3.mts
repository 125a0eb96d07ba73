import run from './segment.bench';
const rows = await run();
console.log(rows.slice(0, 4).map((r) => `${r.case}: ${r.value.toFixed(1)}`).join('\n'));
