// The cold-start demo: builds the examples, slims them and benchmarks the usual way against
// thaw. The examples and the demo land with the examples work; until then this says so.
console.log('demo not built yet: the cold-start demo arrives with the examples (see README).');
