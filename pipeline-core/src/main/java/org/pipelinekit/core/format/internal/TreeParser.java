package org.pipelinekit.core.format.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pipelinekit.core.format.FormatProblem;
import org.pipelinekit.core.format.ParserMessages;
import org.pipelinekit.core.format.PipelineFormatException;
import org.pipelinekit.core.format.ReadLimits;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML or JSON into a {@link Tree} with Jackson's streaming parser, keeping each value's line
 * and column; refuses duplicate keys. Syntax errors become a {@link PipelineFormatException} with
 * the parser's position.
 */
final class TreeParser {
  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final YAMLFactory YAML = YAMLFactory.builder().loaderOptions(loaderOptions()).build();

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setCodePointLimit(ReadLimits.MAX_DOCUMENT_CHARS + 1);
    o.setMaxAliasesForCollections(ReadLimits.MAX_ALIASES);
    o.setNestingDepthLimit(ReadLimits.MAX_NESTING);
    return o;
  }

  private TreeParser() {}

  static Tree parse(String text, boolean yaml, String source) {
    ReadLimits.tooLarge(text).ifPresent(why -> {
      throw new PipelineFormatException(source, List.of(new FormatProblem("", 1, 1, why)));
    });
    try (JsonParser p = (yaml ? YAML : JSON).createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new PipelineFormatException(source, List.of(new FormatProblem("", 1, 1, "the document is empty")));
      }
      Tree tree = value(p, source);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        JsonLocation at = p.currentTokenLocation();
        throw new PipelineFormatException(source, List.of(new FormatProblem("", at.getLineNr(), at.getColumnNr(),
            "unexpected content after the end of the pipeline; a file holds one pipeline")));
      }
      return tree;
    } catch (JsonProcessingException e) {
      if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
        boolean context = y.getContext() != null && y.getContextMark() != null;
        throw new PipelineFormatException(source, List.of(new FormatProblem("", y.getProblemMark().getLine() + 1,
            y.getProblemMark().getColumn() + 1, ParserMessages.yaml(y.getProblem(), context ? y.getContext() : null,
                context ? y.getContextMark().getLine() + 1 : 0, context ? y.getContextMark().getColumn() + 1 : 0))));
      }
      JsonLocation at = e.getLocation();
      int line = at == null ? 1 : Math.max(1, at.getLineNr());
      int column = at == null ? 1 : Math.max(1, at.getColumnNr());
      throw new PipelineFormatException(source, List.of(new FormatProblem("", line, column,
          (yaml ? "malformed YAML: " : "malformed JSON: ") + ParserMessages.clean(e.getOriginalMessage()))));
    } catch (IOException e) {
      throw new PipelineFormatException(source, List.of(new FormatProblem("", 1, 1, "cannot read: " + e.getMessage())));
    }
  }

  private static Tree value(JsonParser p, String source) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int column = at.getColumnNr();
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT: {
        Map<String, Tree.Entry> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          JsonLocation keyAt = p.currentTokenLocation();
          String key = p.currentName();
          p.nextToken();
          Tree v = value(p, source);
          Tree.Entry previous = entries.put(key, new Tree.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), v));
          if (previous != null) {
            throw new PipelineFormatException(source, List.of(new FormatProblem("", keyAt.getLineNr(), keyAt.getColumnNr(),
                "key '" + key + "' appears twice in one map (first on line " + previous.line() + "); keep one")));
          }
        }
        return new Tree.MapNode(entries, line, column);
      }
      case START_ARRAY: {
        List<Tree> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(value(p, source));
        }
        return new Tree.ListNode(items, line, column);
      }
      case VALUE_STRING:
        return new Tree.Scalar(p.getText(), line, column);
      case VALUE_NUMBER_INT: {
        BigInteger big = p.getBigIntegerValue();
        if (big.bitLength() > 63) {
          return new Tree.Scalar(p.getText(), line, column);
        }
        return new Tree.Scalar(big.longValue(), line, column);
      }
      case VALUE_NUMBER_FLOAT:
        return new Tree.Scalar(p.getDoubleValue(), line, column);
      case VALUE_TRUE:
        return new Tree.Scalar(Boolean.TRUE, line, column);
      case VALUE_FALSE:
        return new Tree.Scalar(Boolean.FALSE, line, column);
      case VALUE_NULL:
        return new Tree.Scalar(null, line, column);
      default:
        throw new PipelineFormatException(source, List.of(new FormatProblem("", line, column, "unexpected " + t)));
    }
  }
}
