let f = sqrt
// expect-error: 1:9: function 'sqrt' must be called with arguments
