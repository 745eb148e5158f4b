package io.lmsingest.loader.warehouse;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Stands in for a Snowflake connection, which cannot exist here: it records every SQL text and
 * transaction call in order and answers queries from a function, so the loader's real code path
 * runs end to end and its statements can be checked one by one.
 */
final class RecordingConnection {
  final List<String> log = new ArrayList<>();
  private final Function<String, List<Object[]>> answers;
  private final List<String> columns;

  RecordingConnection(Function<String, List<Object[]>> answers, List<String> tableColumns) {
    this.answers = answers;
    this.columns = tableColumns;
  }

  Connection connection() {
    return proxy(
        Connection.class,
        (method, args) ->
            switch (method) {
              case "createStatement" -> statement(null);
              case "prepareStatement" -> statement((String) args[0]);
              case "commit", "rollback" -> {
                log.add(method.toUpperCase());
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
    return proxy(
        type,
        (method, args) ->
            switch (method) {
              case "execute" -> {
                log.add((String) args[0]);
                yield false;
              }
              case "executeUpdate" -> {
                log.add(prepared != null ? prepared : (String) args[0]);
                yield 0;
              }
              case "executeBatch" -> {
                log.add("BATCH " + prepared);
                yield new int[0];
              }
              case "executeQuery" -> {
                String sql = prepared != null ? prepared : (String) args[0];
                log.add(sql);
                yield resultSet(sql.contains("LIMIT 0") ? List.of() : answers.apply(sql));
              }
              default -> null;
            });
  }

  private Object resultSet(List<Object[]> rows) {
    int[] at = {-1};
    ResultSetMetaData meta =
        proxy(
            ResultSetMetaData.class,
            (method, args) ->
                switch (method) {
                  case "getColumnCount" -> columns.size();
                  case "getColumnName" -> columns.get((Integer) args[0] - 1);
                  default -> null;
                });
    return proxy(
        ResultSet.class,
        (method, args) ->
            switch (method) {
              case "next" -> ++at[0] < rows.size();
              case "getMetaData" -> meta;
              case "getString" -> (String) value(rows, at[0], args[0]);
              case "getLong" ->
                  value(rows, at[0], args[0]) == null
                      ? 0L
                      : ((Number) value(rows, at[0], args[0])).longValue();
              case "getTimestamp" -> null;
              default -> null;
            });
  }

  private static Object value(List<Object[]> rows, int row, Object column) {
    Object[] values = rows.get(row);
    return column instanceof Integer i ? values[i - 1] : values[0];
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
