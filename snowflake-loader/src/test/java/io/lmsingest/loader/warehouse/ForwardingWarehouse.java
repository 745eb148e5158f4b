package io.lmsingest.loader.warehouse;

import io.lmsingest.loader.manifest.MicroBatch;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A warehouse that hands every call to another; a test overrides the one it wants to change (a
 * statement that fails, DDL where it must not be). Closing it leaves the other open.
 */
public abstract class ForwardingWarehouse implements Warehouse {
  protected final Warehouse delegate;

  protected ForwardingWarehouse(Warehouse delegate) {
    this.delegate = delegate;
  }

  @Override
  public String dialect() {
    return delegate.dialect();
  }

  @Override
  public Connection connection() {
    return delegate.connection();
  }

  @Override
  public Staged stage(MicroBatch batch) throws IOException {
    return delegate.stage(batch);
  }

  @Override
  public List<Column> fileColumns(Staged staged) throws SQLException {
    return delegate.fileColumns(staged);
  }

  @Override
  public List<String> copyStatements(Staged staged, List<Column> fileColumns) {
    return delegate.copyStatements(staged, fileColumns);
  }

  @Override
  public void checkCopyResult(ResultSet result, Staged staged) throws SQLException {
    delegate.checkCopyResult(result, staged);
  }

  @Override
  public String batchRows(Staged staged, List<Column> fileColumns) throws SQLException {
    return delegate.batchRows(staged, fileColumns);
  }

  @Override
  public Optional<String> rowKey() {
    return delegate.rowKey();
  }

  @Override
  public Optional<Duration> afterCommit(long rowsCopied) {
    return delegate.afterCommit(rowsCopied);
  }

  @Override
  public boolean isOutOfMemory(Throwable failure) {
    return delegate.isOutOfMemory(failure);
  }

  @Override
  public void rolledBack(Exception failure) throws SQLException, IOException {
    delegate.rolledBack(failure);
  }

  @Override
  public String addColumn(String table, Column column) {
    return delegate.addColumn(table, column);
  }

  @Override
  public String timestampLiteral(Instant instant) {
    return delegate.timestampLiteral(instant);
  }

  @Override
  public String emptyMapAsNull(String expr) {
    return delegate.emptyMapAsNull(expr);
  }

  @Override
  public String lastNonNull(String expr, String over) {
    return delegate.lastNonNull(expr, over);
  }

  @Override
  public boolean transactionalDdl() {
    return delegate.transactionalDdl();
  }

  @Override
  public boolean isContention(SQLException failure) {
    return delegate.isContention(failure);
  }

  @Override
  public void release(Staged staged) throws IOException {
    delegate.release(staged);
  }

  @Override
  public void close() {}
}
