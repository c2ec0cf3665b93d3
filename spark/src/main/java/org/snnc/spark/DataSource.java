package org.snnc.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.SerializableConfiguration;
import org.snnc.compiler.diag.CompilationException;
import org.snnc.compiler.diag.DiagnosticCode;
import org.snnc.compiler.diag.SourceSpan;
import org.snnc.compiler.io.npy.NpyArray;
import org.snnc.compiler.io.npy.NpzReader;
import scala.Tuple2;

/**
 * Where a run's labelled images come from, on any file system Hadoop reads ({@code file:}, {@code hdfs:},
 * {@code s3a:}), and how they are cut into the partitions a job runs:
 * <ul>
 *   <li>one {@code .npz} (x, y): cut into {@code partitions} contiguous slices, [k·N/P, (k+1)·N/P) for slice k; each
 *       task streams the archive and keeps its slice, so a large set is better given as shards;</li>
 *   <li>a folder of {@code .npz} shards, in the order of their names: each shard cut into ⌈P/shards⌉ slices, so
 *       one task per shard by default;</li>
 *   <li>Parquet (a {@code .parquet} file or a folder of them, in the order of their names) with columns {@code x},
 *       binary, one image's elements as unsigned bytes in C order of the network's input shape (for a sequence
 *       input, its T frames one after another), and {@code y}, an integer label: partitions as Spark reads the
 *       files, or {@code partitions} partitions of consecutive rows.</li>
 * </ul>
 * Each partition becomes one {@link LabelledImages}: images in the same order as the source's, so slice k of P and
 * the slices after it, merged in order, are the images of the whole set in order.
 */
sealed interface DataSource permits DataSource.NpzSlices, DataSource.ParquetRows {

    /** The labelled images of each partition; {@code frame} is the network input's shape. */
    JavaRDD<LabelledImages> partitions(SparkSession spark, int[] frame, boolean sequence);

    /**
     * The source that {@code data} names, told apart by what is there: a file by its suffix, a folder by the npz or
     * Parquet files it holds. {@code partitions} is 0 for the default.
     *
     * @throws CompilationException {@link DiagnosticCode#FILE_NOT_FOUND} if nothing is at {@code data},
     *                              {@link DiagnosticCode#UNKNOWN_FILE_KIND} if it is neither
     */
    static DataSource locate(String data, Configuration hadoop, int partitions) {
        Path path = new Path(data);
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            FileStatus status = fs.getFileStatus(path);
            if (status.isFile()) {
                if (data.endsWith(".npz")) {
                    return NpzSlices.of(List.of(status.getPath().toString()), Math.max(partitions, 1));
                }
                if (data.endsWith(".parquet")) {
                    return new ParquetRows(data, List.of(status.getPath().toString()), partitions);
                }
                throw unknownKind(data);
            }
            List<String> npz = new ArrayList<>();
            List<String> parquet = new ArrayList<>();
            FileStatus[] children = fs.listStatus(path);
            Arrays.sort(children, Comparator.comparing(child -> child.getPath().getName()));
            for (FileStatus child : children) {
                String name = child.getPath().getName();
                if (child.isFile() && name.endsWith(".npz")) {
                    npz.add(child.getPath().toString());
                }
                if (child.isFile() && name.endsWith(".parquet")) {
                    parquet.add(child.getPath().toString());
                }
            }
            if (!npz.isEmpty()) {
                int slicesPerShard = Math.max(1, (partitions + npz.size() - 1) / npz.size());
                return NpzSlices.of(npz, slicesPerShard);
            }
            if (!parquet.isEmpty()) {
                return new ParquetRows(data, List.copyOf(parquet), partitions);
            }
            throw unknownKind(data);
        } catch (FileNotFoundException e) {
            throw CompilationException.of(DiagnosticCode.FILE_NOT_FOUND, SourceSpan.ofFile(data), data);
        } catch (IOException e) {
            throw CompilationException.of(DiagnosticCode.FILE_UNREADABLE, SourceSpan.ofFile(data), data,
                    e.getMessage());
        }
    }

    private static CompilationException unknownKind(String data) {
        return CompilationException.of(DiagnosticCode.UNKNOWN_FILE_KIND, SourceSpan.ofFile(data), data,
                "an .npz file, a folder of .npz shards, or Parquet (a .parquet file or a folder of them)");
    }

    /** Slice {@code index} of {@code count} contiguous slices of the archive at {@code file}. */
    record NpzSlice(String file, int index, int count) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Npz archives, each cut into slices; one partition per slice, in order. */
    record NpzSlices(List<NpzSlice> slices) implements DataSource {

        static NpzSlices of(List<String> files, int slicesPerFile) {
            List<NpzSlice> slices = new ArrayList<>();
            for (String file : files) {
                for (int k = 0; k < slicesPerFile; k++) {
                    slices.add(new NpzSlice(file, k, slicesPerFile));
                }
            }
            return new NpzSlices(List.copyOf(slices));
        }

        @Override
        public JavaRDD<LabelledImages> partitions(SparkSession spark, int[] frame, boolean sequence) {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            SerializableConfiguration hadoop = new SerializableConfiguration(context.hadoopConfiguration());
            return context.parallelize(slices, slices.size()).map(slice -> read(slice, hadoop.value()));
        }

        /** The slice's images: the archive is streamed from its file system and decoded as it comes. */
        private static LabelledImages read(NpzSlice slice, Configuration hadoop) throws IOException {
            Path file = new Path(slice.file());
            Map<String, NpyArray> arrays;
            try (InputStream in = file.getFileSystem(hadoop).open(file)) {
                arrays = NpzReader.read(in, slice.file());
            }
            NpyArray x = require(arrays, "x", slice.file());
            NpyArray y = require(arrays, "y", slice.file());
            int images = x.shape().length == 0 ? 1 : x.shape()[0];
            if (y.shape().length != 1 || y.shape()[0] != images) {
                throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(slice.file()),
                        slice.file(), "labels y have shape " + Arrays.toString(y.shape()) + ", expected [" + images
                                + "]");
            }
            int from = (int) ((long) images * slice.index() / slice.count());
            int to = (int) ((long) images * (slice.index() + 1) / slice.count());
            return new LabelledImages(slice.file(), from, LabelledImages.rows(x, from, to),
                    LabelledImages.rows(y, from, to));
        }

        private static NpyArray require(Map<String, NpyArray> arrays, String key, String file) {
            NpyArray array = arrays.get(key);
            if (array == null) {
                throw CompilationException.of(DiagnosticCode.DATA_MISSING_ARRAY, SourceSpan.ofFile(file), file, key);
            }
            return array;
        }
    }

    /**
     * Parquet rows (x binary, y integer) of the {@code files}, in the order of the files' names and, within a file,
     * of its rows: each file is read on its own, since Spark packs the files of one read by size. {@code partitions}
     * above 0 regroups the rows into that many partitions of consecutive rows, in the same order.
     */
    record ParquetRows(String table, List<String> files, int partitions) implements DataSource {

        @Override
        public JavaRDD<LabelledImages> partitions(SparkSession spark, int[] frame, boolean sequence) {
            JavaRDD<Row> rows = null;
            for (String file : files) {
                Dataset<Row> read = spark.read().parquet(file);
                requireColumn(read, file, "x", type -> type instanceof BinaryType, "binary (the image's bytes)");
                requireColumn(read, file, "y", type -> type == DataTypes.ByteType || type == DataTypes.ShortType
                        || type == DataTypes.IntegerType || type == DataTypes.LongType, "an integer (the label)");
                JavaRDD<Row> fileRows = read.select("x", "y").javaRDD();
                rows = rows == null ? fileRows : rows.union(fileRows);
            }
            if (partitions > 0) {
                rows = rows.zipWithIndex().mapToPair(Tuple2::swap).sortByKey(true, partitions).values();
            }
            String source = table;
            return rows.mapPartitions(partition -> {
                List<byte[]> images = new ArrayList<>();
                List<Long> labels = new ArrayList<>();
                partition.forEachRemaining(row -> {
                    images.add((byte[]) row.get(0));
                    labels.add(((Number) row.get(1)).longValue());
                });
                return List.of(LabelledImages.ofBytes(source, images, labels, frame, sequence)).iterator();
            });
        }

        private static void requireColumn(Dataset<Row> read, String file, String name, Predicate<DataType> fits,
                String expected) {
            StructField field = Arrays.stream(read.schema().fields()).filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> CompilationException.of(DiagnosticCode.DATA_MISSING_ARRAY,
                            SourceSpan.ofFile(file), file, name));
            if (!fits.test(field.dataType())) {
                throw CompilationException.of(DiagnosticCode.DATA_SHAPE_MISMATCH, SourceSpan.ofFile(file), file,
                        "column '" + name + "' is " + field.dataType().simpleString() + ", expected " + expected);
            }
        }
    }
}
