package io.lmsingest.loader.warehouse;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Stands in for a Snowflake connection, which cannot exist here: it records every SQL text and
 * transaction call in order and answers queries from a function, so the loader's real code path
 * runs end to end and its statements can be checked one by one. An answer that throws is raised as
 * the statement's SQLException.
 */
public final class RecordingConnection {
  public final List<String> log = new ArrayList<>();
  private final Function<String, Rows> answers;
  private final List<String> columns;

  /** A query's answer: column names (for getString("name")) and rows. */
  public record Rows(List<String> columns, List<Object[]> values) {
    /** Rows read by position only. */
    public static Rows of(Object[]... rows) {
      return new Rows(List.of(), Arrays.asList(rows));
    }

    public static Rows named(List<String> columns, Object[]... rows) {
      return new Rows(columns, Arrays.asList(rows));
    }

    public static Rows none() {
      return new Rows(List.of(), List.of());
    }
  }

  /** Answers by position; {@code tableColumns} are the columns a {@code LIMIT 0} query shows. */
  public RecordingConnection(Function<String, List<Object[]>> answers, List<String> tableColumns) {
    this(tableColumns, sql -> new Rows(List.of(), answers.apply(sql)));
  }

  /** Answers with named columns. */
  public static RecordingConnection answering(Function<String, Rows> answers) {
    return new RecordingConnection(List.of(), answers);
  }

  /** Answers with named columns; {@code tableColumns} are what a {@code LIMIT 0} query shows. */
  public static RecordingConnection answering(
      List<String> tableColumns, Function<String, Rows> answers) {
    return new RecordingConnection(tableColumns, answers);
  }

  private RecordingConnection(List<String> tableColumns, Function<String, Rows> answers) {
    this.answers = answers;
    this.columns = tableColumns;
  }

  public Connection connection() {
    return proxy(
        Connection.class,
        (method, args) ->
            switch (method) {
              case "createStatement" -> statement(null);
              case "prepareStatement" -> statement((String) args[0]);
              case "commit", "rollback" -> {
                log.add(method.toUpperCase(Locale.ROOT));
                yield null;
              }
              case "setAutoCommit" -> {
                log.add("AUTOCOMMIT " + args[0]);
                yield null;
              }
              case "getAutoCommit", "isClosed" -> false;
              default -> null;
            });
  }

  private Object statement(String prepared) {
    Class<?> type = prepared == null ? Statement.class : PreparedStatement.class;
    Object[] current = {null};
    return proxy(
        type,
        (method, args) ->
            switch (method) {
              case "execute" -> {
                String sql = (String) args[0];
                log.add(sql);
                // COPY answers with a result set (one row per file), as Snowflake's does.
                if (sql.startsWith("COPY INTO")) {
                  current[0] = resultSet(answer(sql));
                  yield true;
                }
                yield false;
              }
              case "getResultSet" -> current[0];
              case "executeUpdate" -> {
                String sql = prepared != null ? prepared : (String) args[0];
                log.add(sql);
                yield sql.startsWith("UPDATE load_lock") ? 1 : 0;
              }
              case "executeBatch" -> {
                log.add("BATCH " + prepared);
                yield new int[0];
              }
              case "executeQuery" -> {
                String sql = prepared != null ? prepared : (String) args[0];
                log.add(sql);
                yield resultSet(
                    sql.contains("LIMIT 0") ? new Rows(columns, List.of()) : answer(sql));
              }
              default -> null;
            });
  }

  private Rows answer(String sql) throws SQLException {
    try {
      return answers.apply(sql);
    } catch (RuntimeException e) {
      throw new SQLException(e.getMessage(), e);
    }
  }

  private Object resultSet(Rows rows) {
    int[] at = {-1};
    ResultSetMetaData meta =
        proxy(
            ResultSetMetaData.class,
            (method, args) ->
                switch (method) {
                  case "getColumnCount" -> rows.columns().size();
                  case "getColumnName", "getColumnLabel" ->
                      rows.columns().get((Integer) args[0] - 1);
                  default -> null;
                });
    return proxy(
        ResultSet.class,
        (method, args) ->
            switch (method) {
              case "next" -> ++at[0] < rows.values().size();
              case "getMetaData" -> meta;
              case "getString" -> {
                Object v = value(rows, at[0], args[0]);
                yield v == null ? null : v.toString();
              }
              case "getObject" -> value(rows, at[0], args[0]);
              case "getLong" ->
                  value(rows, at[0], args[0]) == null
                      ? 0L
                      : ((Number) value(rows, at[0], args[0])).longValue();
              case "getBoolean" -> Boolean.TRUE.equals(value(rows, at[0], args[0]));
              case "getTimestamp" -> null;
              default -> null;
            });
  }

  private static Object value(Rows rows, int row, Object column) throws SQLException {
    Object[] values = rows.values().get(row);
    if (column instanceof Integer i) {
      return values[i - 1];
    }
    int index = -1;
    for (int i = 0; i < rows.columns().size(); i++) {
      if (rows.columns().get(i).equalsIgnoreCase((String) column)) {
        index = i;
      }
    }
    if (index < 0) {
      throw new SQLException("the recorded answer has no column " + column);
    }
    return values[index];
  }

  interface Handler {
    Object handle(String method, Object[] args) throws Exception;
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, Handler handler) {
    return (T)
        Proxy.newProxyInstance(
            RecordingConnection.class.getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) ->
                method.getName().equals("close") ? null : handler.handle(method.getName(), args));
  }
}
