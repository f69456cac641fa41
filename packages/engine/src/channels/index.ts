// Filled in by the channels work (issue 4).
export {};
