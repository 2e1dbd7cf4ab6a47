// Top-level module names of Python's standard library, CPython 3.8 to 3.14 (DESIGN.md §11): a module or
// package of the checkout by one of these names, in a folder Python searches before the standard
// library, replaces the real one in every process the test command starts (python-shadow.ts).
// Data, never computed at run time from an interpreter the checkout could have changed. Sources:
// - 3.10.13, 3.11.7, 3.12.1, 3.13.0: `sys.stdlib_module_names` of the official builds (pyenv);
// - 3.8.18, 3.9.18 (no `sys.stdlib_module_names`): the modules they had that 3.10 dropped
//   (_bootlocale _peg_parser formatter parser symbol _xxsubinterpreters; 3.8's _dummy_thread
//   dummy_threading), from `sys.builtin_module_names` + `pkgutil.iter_modules` of their stdlib folder;
// - 3.14: CPython's Python/stdlib_module_names.h (main, commit 00271b5d: annotationlib, _hmac) and
//   What's New in Python 3.14 (compression, _zstd, _remote_debugging).
// The union: a name dropped by a later version still shadows under the version that has it.

/** Every top-level standard-library module name of CPython 3.8–3.14 (the union), sorted. */
export const PYTHON_STDLIB_MODULES: ReadonlySet<string> = new Set(`
  __future__ _abc _aix_support _android_support  _ast _asyncio _bisect _blake2 _bootlocale
  _bootsubprocess _bz2 _codecs _codecs_cn _codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw
  _collections _collections_abc _colorize _compat_pickle _compression _contextvars _crypt _csv _ctypes _curses
  _curses_panel _datetime _dbm _decimal _dummy_thread _elementtree _frozen_importlib _frozen_importlib_external
  _functools _gdbm _hashlib _heapq _hmac _imp _interpchannels _interpqueues _interpreters _io _ios_support _json
  _locale _lsprof _lzma _markupbase _md5 _msi _multibytecodec _multiprocessing _opcode _opcode_metadata
  _operator _osx_support _overlapped _peg_parser _pickle _posixshmem _posixsubprocess _py_abc _pydatetime
  _pydecimal _pyio _pylong _pyrepl _queue _random _remote_debugging _scproxy _sha1 _sha2 _sha256 _sha3 _sha512
  _signal _sitebuiltins _socket _sqlite3 _sre _ssl _stat _statistics _string _strptime _struct _suggestions
  _symtable _sysconfig _thread _threading_local _tkinter _tokenize _tracemalloc  _typing _uuid _warnings
  _weakref _weakrefset _winapi _wmi _xxsubinterpreters _zoneinfo _zstd abc aifc annotationlib antigravity
  argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii binhex bisect builtins bz2
  cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall compression
  concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses dataclasses datetime dbm
  decimal difflib dis distutils doctest dummy_threading email encodings ensurepip enum errno faulthandler fcntl
  filecmp fileinput fnmatch formatter fractions ftplib functools gc genericpath getopt getpass gettext glob
  graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib inspect io ipaddress
  itertools json keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math mimetypes mmap
  modulefinder msilib msvcrt multiprocessing netrc nis nntplib nt ntpath nturl2path numbers opcode operator
  optparse os ossaudiodev parser pathlib pdb pickle pickletools pipes pkgutil platform plistlib poplib posix
  posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re
  readline reprlib resource rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site
  smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics
  string stringprep struct subprocess sunau symbol symtable sys sysconfig syslog tabnanny tarfile telnetlib
  tempfile termios textwrap this threading time timeit tkinter token tokenize tomllib trace traceback
  tracemalloc tty turtle turtledemo types typing unicodedata unittest urllib uu uuid venv warnings wave weakref
  webbrowser winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo
`.split(/\s+/).filter(Boolean));
