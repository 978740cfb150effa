package io.metacache.memory;

import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.AbstractData;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.hash.serialization.DataAccess;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Serves the source region a {@link ValueSink} names as the bytes to store. The tier itself
 * writes through {@code wrapValueBytesAsData}; this exists because Chronicle requires a value
 * access for the value type, and keeps {@code ChronicleMap.put} meaningful.
 */
final class ValueSinkDataAccess extends AbstractData<ValueSink> implements DataAccess<ValueSink> {

  private transient ValueSink sink;

  @Override
  public Data<ValueSink> getData(ValueSink instance) {
    if (instance.source == null) {
      throw new IllegalArgumentException("a ValueSink stored as a value must name its source bytes");
    }
    sink = instance;
    return this;
  }

  @Override
  public void uninit() {
    sink = null;
  }

  @Override
  public DataAccess<ValueSink> copy() {
    return new ValueSinkDataAccess();
  }

  @Override
  public RandomDataInput bytes() {
    return sink.source;
  }

  @Override
  public long offset() {
    return sink.sourceOffset;
  }

  @Override
  public long size() {
    return sink.sourceLength;
  }

  @Override
  public ValueSink get() {
    return sink;
  }

  @Override
  public ValueSink getUsing(ValueSink using) {
    throw new UnsupportedOperationException("read stored values through ValueSinkReader");
  }

  @Override
  public void writeMarshallable(WireOut wire) {
    // no configuration
  }

  @Override
  public void readMarshallable(WireIn wire) {
    // no configuration
  }
}
