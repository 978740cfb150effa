package io.metacache.writebehind;

import com.lmax.disruptor.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs what escapes the batcher and returns, so the Disruptor's consumer thread carries on with
 * the next event: one bad event costs that event, never the pipeline.
 */
final class LoggingExceptionHandler implements ExceptionHandler<RingEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBehindPipeline.class);

  @Override
  public void handleEventException(Throwable ex, long sequence, RingEvent event) {
    LOG.error("write-behind: event at sequence {} failed in the batcher; skipped", sequence, ex);
  }

  @Override
  public void handleOnStartException(Throwable ex) {
    LOG.error("write-behind: batcher failed to start", ex);
  }

  @Override
  public void handleOnShutdownException(Throwable ex) {
    LOG.error("write-behind: batcher failed to shut down", ex);
  }
}
