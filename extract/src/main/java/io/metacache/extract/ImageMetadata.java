package io.metacache.extract;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.lang.GeoLocation;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.Tag;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.file.FileSystemDirectory;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.GpsDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Image metadata through metadata-extractor. Writes {@code exif} (directory name to tag name to
 * the library's human-readable description, for every EXIF directory: IFD0, SubIFD, GPS, ...),
 * {@code xmp} (XMP property path to value), and a few typed top-level fields when present:
 * {@code camera.make}, {@code camera.model}, {@code takenAt} (EXIF DateTimeOriginal as written),
 * {@code gps.latitude}/{@code gps.longitude} (decimal degrees). Thumbnails and maker-note binary
 * data are left out, and so is the library's {@code File} directory (name, size and mtime of the
 * file, not of the image): the result is a function of the bytes, which the cache shares between
 * copies ({@code BasicExtractor#INPUTS}), and size and mtime are path fields.
 */
final class ImageMetadata {
  private ImageMetadata() {}

  static Map<String, Object> read(Path file) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    Metadata metadata;
    try {
      metadata = ImageMetadataReader.readMetadata(file.toFile());
    } catch (ImageProcessingException e) {
      out.put("imageError", String.valueOf(e.getMessage()));
      return out;
    }
    Map<String, Object> exif = new TreeMap<>();
    Map<String, Object> xmp = new TreeMap<>();
    Map<String, Object> other = new TreeMap<>();
    for (Directory dir : metadata.getDirectories()) {
      if (dir instanceof FileSystemDirectory) {
        continue;
      }
      if (dir instanceof XmpDirectory) {
        xmp.putAll(((XmpDirectory) dir).getXmpProperties());
        continue;
      }
      Map<String, Object> tags = new TreeMap<>();
      for (Tag tag : dir.getTags()) {
        String description = tag.getDescription();
        if (description != null && description.length() <= 1024) {
          tags.put(tag.getTagName(), description);
        }
      }
      if (tags.isEmpty()) {
        continue;
      }
      if (dir instanceof ExifDirectoryBase || dir instanceof GpsDirectory) {
        exif.merge(dir.getName(), tags, (a, b) -> a);
      } else {
        other.merge(dir.getName(), tags, (a, b) -> a);
      }
    }
    ExifIFD0Directory ifd0 = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
    if (ifd0 != null) {
      putIfPresent(out, "camera.make", ifd0.getString(ExifIFD0Directory.TAG_MAKE));
      putIfPresent(out, "camera.model", ifd0.getString(ExifIFD0Directory.TAG_MODEL));
    }
    ExifSubIFDDirectory sub = metadata.getFirstDirectoryOfType(ExifSubIFDDirectory.class);
    if (sub != null) {
      putIfPresent(out, "takenAt", sub.getString(ExifSubIFDDirectory.TAG_DATETIME_ORIGINAL));
    }
    GpsDirectory gps = metadata.getFirstDirectoryOfType(GpsDirectory.class);
    if (gps != null) {
      GeoLocation location = gps.getGeoLocation();
      if (location != null && !location.isZero()) {
        out.put("gps.latitude", location.getLatitude());
        out.put("gps.longitude", location.getLongitude());
      }
    }
    if (!exif.isEmpty()) {
      out.put("exif", exif);
    }
    if (!xmp.isEmpty()) {
      out.put("xmp", xmp);
    }
    if (!other.isEmpty()) {
      out.put("image", other);
    }
    return out;
  }

  private static void putIfPresent(Map<String, Object> out, String key, String value) {
    if (value != null && !value.isBlank()) {
      out.put(key, value.trim());
    }
  }
}
