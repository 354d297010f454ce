from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="myks-gallery",
    version="1.0.0.dev0",
    description="Photo gallery with granular access control",
    long_description=Path("README.rst").read_text(encoding="utf-8"),
    long_description_content_type="text/x-rst",
    license="BSD-3-Clause",
    packages=find_packages(include=["gallery", "gallery.*"]),
    include_package_data=True,
    python_requires=">=3.11",
    install_requires=["Django>=5.2", "Pillow>=10"],
    extras_require={
        "s3": ["django-storages[s3]>=1.14", "boto3"],
        "thumbor": ["libthumbor>=2"],
        "heif": ["pillow-heif>=0.16"],
    },
    classifiers=[
        "Development Status :: 4 - Beta",
        "Environment :: Web Environment",
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Framework :: Django :: 6.0",
        "Intended Audience :: Developers",
        "Operating System :: OS Independent",
        "Programming Language :: Python :: 3",
    ],
    zip_safe=False,
)
