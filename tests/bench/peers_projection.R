#!/usr/bin/env Rscript
# R peers of the projection benchmark: uwot's UMAP and Rtsne's Barnes-Hut
# t-SNE on a features .npy, with a fixed thread count.
#
# Writes the 2D layout to --out (.npy, float32, N×2, rows in input order) and
# prints "seconds <wall time of the fit>", so that bench_projection --evaluate
# scores every method's layout with the same code. Reads and writes .npy by
# hand (little-endian float32, C order): no extra R package needed.
# Usage: Rscript peers_projection.R --method umap|tsne --features F.npy --out L.npy [--threads 2]

args <- commandArgs(trailingOnly = TRUE)
option <- function(name, default = NULL) {
  at <- match(paste0("--", name), args)
  if (is.na(at)) {
    if (is.null(default)) stop("missing --", name)
    return(default)
  }
  args[at + 1]
}
method <- option("method")
features_path <- option("features")
out_path <- option("out")
threads <- as.integer(option("threads", "2"))

read_npy <- function(path) {
  con <- file(path, "rb")
  on.exit(close(con))
  magic <- readBin(con, "raw", 6)
  if (!identical(magic[2:6], charToRaw("NUMPY"))) stop(path, ": not a .npy file")
  version <- as.integer(readBin(con, "raw", 2))
  header_len <- if (version[1] == 1) {
    readBin(con, "integer", 1, size = 2, signed = FALSE, endian = "little")
  } else {
    readBin(con, "integer", 1, size = 4, endian = "little")
  }
  header <- rawToChar(readBin(con, "raw", header_len))
  if (!grepl("'descr': '<f4'", header, fixed = TRUE)) stop(path, ": expected float32 ('<f4')")
  if (grepl("'fortran_order': True", header, fixed = TRUE)) stop(path, ": expected C order")
  shape <- as.integer(strsplit(sub(".*'shape': \\(([0-9, ]+)\\).*", "\\1", header), ",")[[1]])
  shape <- shape[!is.na(shape)]
  if (length(shape) != 2) stop(path, ": expected a 2D array")
  values <- readBin(con, "numeric", shape[1] * shape[2], size = 4, endian = "little")
  matrix(values, nrow = shape[1], ncol = shape[2], byrow = TRUE)
}

write_npy <- function(path, m) {
  header <- sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", nrow(m), ncol(m))
  # Pad so that the data starts on a 64-byte boundary, as numpy writes it.
  total <- 10 + nchar(header) + 1
  header <- paste0(header, strrep(" ", (64 - total %% 64) %% 64), "\n")
  con <- file(path, "wb")
  on.exit(close(con))
  writeBin(c(as.raw(0x93), charToRaw("NUMPY"), as.raw(c(1, 0))), con)
  writeBin(as.integer(nchar(header)), con, size = 2, endian = "little")
  writeBin(charToRaw(header), con)
  writeBin(as.numeric(t(m)), con, size = 4, endian = "little")
}

x <- read_npy(features_path)
if (method == "umap") {
  suppressPackageStartupMessages(library(uwot))
  start <- Sys.time()
  # uwot's defaults (n_neighbors 15, min_dist 0.1, spectral initialisation,
  # Annoy neighbours), with the SGD threaded too: the fastest uwot setting.
  layout <- uwot::umap(x, n_neighbors = 15, min_dist = 0.1, n_threads = threads,
                       n_sgd_threads = threads, verbose = FALSE)
  seconds <- as.numeric(difftime(Sys.time(), start, units = "secs"))
} else if (method == "tsne") {
  suppressPackageStartupMessages(library(Rtsne))
  start <- Sys.time()
  # Barnes-Hut t-SNE, perplexity 30, 1000 iterations (Rtsne's defaults) on the
  # features themselves (pca = FALSE: they are already 64-D, as ours gets them).
  layout <- Rtsne::Rtsne(x, dims = 2, perplexity = 30, pca = FALSE, check_duplicates = FALSE,
                         num_threads = threads, verbose = FALSE)$Y
  seconds <- as.numeric(difftime(Sys.time(), start, units = "secs"))
} else {
  stop("unknown --method ", method, " (umap or tsne)")
}
write_npy(out_path, layout)
cat(sprintf("seconds %.3f\n", seconds))
