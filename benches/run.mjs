// Benchmarks (`make bench`). Placeholder: a later issue fills in the harness and the README table.
console.log('no benchmarks yet');
