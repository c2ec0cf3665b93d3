package org.snnc.spark;

import org.apache.spark.sql.SparkSession;

/**
 * The one local[2] Spark session of the module's tests, made on first use and stopped when the JVM exits: a session
 * takes seconds to start, and Spark allows one per JVM.
 */
final class SharedSpark {

    private static SparkSession session;

    private SharedSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("snnc-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return session;
    }
}
