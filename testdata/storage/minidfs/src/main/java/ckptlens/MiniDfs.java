package ckptlens;

import java.io.File;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * Runs a MiniDFSCluster (one namenode, one datanode) in the folder given,
 * prints "READY hdfs://127.0.0.1:PORT" and stops when its stdin closes, so a
 * test that dies never leaves it running.
 */
public final class MiniDfs {
  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(args[0]).getAbsolutePath());
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    conf.setBoolean("dfs.permissions.enabled", false);
    conf.setBoolean("dfs.client.use.datanode.hostname", false);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    System.out.println("READY hdfs://127.0.0.1:" + cluster.getNameNodePort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // wait for the test to close stdin
    }
    cluster.shutdown();
  }
}
