int matrixgen_placeholder;
